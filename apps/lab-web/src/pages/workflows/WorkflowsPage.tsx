import './workflows.css';
import { Link, useNavigate } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { SelectField } from '../../components/fields.tsx';
import { useKeysetPages } from '../../components/keyset-pages.ts';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager } from '../../components/Pager.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan, useMe } from '../../session/use-me.ts';
import { useMyLabs, workflowKeys } from './workflow-api.ts';
import { workflowsRoute } from './workflows.routes.ts';

const allLabs = 'all';

/** The workflows of my labs, newest first, with their latest and approved versions. */
export function WorkflowsPage() {
  const { lab_id: labId } = workflowsRoute.useSearch();
  const navigate = useNavigate({ from: '/workflows' });
  const can = useCan();
  const me = useMe();
  const severalLabs = (me.data?.lab_ids.length ?? 0) > 1;
  const labs = useMyLabs();
  const labName = (id: string) => labs.data?.find((lab) => lab.id === id)?.name ?? id;
  const pages = useKeysetPages(workflowKeys.list(labId), (cursor) =>
    data(api.GET('/api/workflows', { params: { query: { cursor, lab_id: labId, limit: 25 } } })),
  );
  const { query, items } = pages;
  return (
    <>
      <PageHeader
        title="Workflows"
        subtitle="Versioned procedures: a draft is submitted, approved by electronic signature, then runs."
      >
        {can('workflows:create') && (
          <Link to="/workflows/new" className="button button-primary">
            New workflow
          </Link>
        )}
      </PageHeader>
      {severalLabs && (
        <div className="filters">
          <SelectField
            label="Lab"
            options={[
              { id: allLabs, label: 'All my labs' },
              ...(labs.data ?? []).map((lab) => ({ id: lab.id, label: lab.name })),
            ]}
            value={labId ?? allLabs}
            onChange={(value) =>
              void navigate({ search: { lab_id: value === allLabs ? undefined : value }, replace: true })
            }
          />
        </div>
      )}
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorNotice error={query.error} />
      ) : items.length === 0 ? (
        <p>
          No workflows yet.
          {can('workflows:create') && ' Write the first one with "New workflow".'}
        </p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data" aria-label="Workflows">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  {severalLabs && <th scope="col">Lab</th>}
                  <th scope="col">Latest version</th>
                  <th scope="col">Approved version</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {items.map((workflow) => {
                  const search = { lab_id: severalLabs ? workflow.lab_id : undefined };
                  return (
                    <tr key={workflow.id}>
                      <td>
                        <Link to="/workflows/$name" params={{ name: workflow.name }} search={search}>
                          {workflow.name}
                        </Link>
                      </td>
                      {severalLabs && <td>{labName(workflow.lab_id)}</td>}
                      <td>
                        <Link
                          to="/workflows/$name/versions/$version"
                          params={{ name: workflow.name, version: String(workflow.latest_version) }}
                          search={search}
                        >
                          Version {workflow.latest_version}
                        </Link>
                      </td>
                      <td>
                        {workflow.approved_version === null ? (
                          <span className="badge">none approved</span>
                        ) : (
                          <Link
                            to="/workflows/$name/versions/$version"
                            params={{ name: workflow.name, version: String(workflow.approved_version) }}
                            search={search}
                          >
                            Version {workflow.approved_version}
                          </Link>
                        )}
                      </td>
                      <td>{formatDateTime(workflow.created_at)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager {...pages} isFetching={query.isFetching} />
        </>
      )}
    </>
  );
}
