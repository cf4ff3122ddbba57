import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/api-error.ts';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan } from '../../session/use-me.ts';
import { AdminNav } from './AdminNav.tsx';
import { useMyLabs } from './admin-api.ts';
import { RegisterHubDialog, RegisterNodeDialog } from './RegisterDialogs.tsx';
import './admin.css';

/** The lab computers (nodes) and instrument gateways (hubs) of my labs; register either. */
export function SitesPage() {
  const can = useCan();
  const labs = useMyLabs();
  const nodes = useQuery({ queryKey: ['sites', 'nodes'], queryFn: () => data(api.GET('/api/sites/nodes')) });
  const hubs = useQuery({ queryKey: ['sites', 'hubs'], queryFn: () => data(api.GET('/api/sites/hubs')) });
  const [registering, setRegistering] = useState<'node' | 'hub' | undefined>(undefined);
  const manage = can('devices:manage') && !!labs.data && labs.data.length > 0;
  const labLabel = (id: string) => {
    const lab = labs.data?.find((candidate) => candidate.id === id);
    return lab ? `${lab.code} · ${lab.name}` : id;
  };
  const forbidden = nodes.error instanceof ApiError && nodes.error.status === 403;
  return (
    <>
      <PageHeader
        title="Nodes and hubs"
        subtitle="Lab computers and the instrument gateways that run on them."
      />
      <AdminNav />
      {forbidden ? (
        <ErrorNotice error={nodes.error} />
      ) : (
        <>
          <section className="card" aria-labelledby="nodes-heading">
            <div className="section-header">
              <h2 id="nodes-heading">Nodes (lab computers)</h2>
              {manage && (
                <Button variant="primary" onPress={() => setRegistering('node')}>
                  Register node
                </Button>
              )}
            </div>
            {nodes.isPending ? (
              <Loading />
            ) : nodes.isError ? (
              <ErrorNotice error={nodes.error} />
            ) : nodes.data.length === 0 ? (
              <InfoNotice>No node is registered in your labs.</InfoNotice>
            ) : (
              <div className="table-wrap">
                <table className="data" aria-label="Nodes">
                  <thead>
                    <tr>
                      <th scope="col">Host name</th>
                      <th scope="col">Lab</th>
                      <th scope="col">Description</th>
                      <th scope="col">Registered</th>
                    </tr>
                  </thead>
                  <tbody>
                    {nodes.data.map((node) => (
                      <tr key={node.id}>
                        <td>
                          <code>{node.hostname}</code>
                        </td>
                        <td>{labLabel(node.lab_id)}</td>
                        <td>{node.description}</td>
                        <td>{formatDateTime(node.created_at)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section className="card" aria-labelledby="hubs-heading">
            <div className="section-header">
              <h2 id="hubs-heading">Hubs (instrument gateways)</h2>
              {manage && (
                <Button variant="primary" onPress={() => setRegistering('hub')}>
                  Register hub
                </Button>
              )}
            </div>
            {hubs.isPending ? (
              <Loading />
            ) : hubs.isError ? (
              <ErrorNotice error={hubs.error} />
            ) : hubs.data.length === 0 ? (
              <InfoNotice>No hub is registered in your labs.</InfoNotice>
            ) : (
              <div className="table-wrap">
                <table className="data" aria-label="Hubs">
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Lab</th>
                      <th scope="col">Node</th>
                      <th scope="col">Registered</th>
                    </tr>
                  </thead>
                  <tbody>
                    {hubs.data.map((hub) => (
                      <tr key={hub.id}>
                        <td>{hub.name}</td>
                        <td>{labLabel(hub.lab_id)}</td>
                        <td>
                          {hub.node_id ? (
                            <code>
                              {nodes.data?.find((node) => node.id === hub.node_id)?.hostname ?? hub.node_id}
                            </code>
                          ) : (
                            '—'
                          )}
                        </td>
                        <td>{formatDateTime(hub.created_at)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
      {manage && labs.data && (
        <>
          <RegisterNodeDialog
            labs={labs.data}
            isOpen={registering === 'node'}
            onOpenChange={(open) => setRegistering(open ? 'node' : undefined)}
          />
          <RegisterHubDialog
            labs={labs.data}
            nodes={nodes.data ?? []}
            isOpen={registering === 'hub'}
            onOpenChange={(open) => setRegistering(open ? 'hub' : undefined)}
          />
        </>
      )}
    </>
  );
}
