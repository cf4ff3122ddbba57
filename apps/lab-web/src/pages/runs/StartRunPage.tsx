import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useMemo } from 'react';
import { api, data } from '../../api/client.ts';
import { SelectField } from '../../components/fields.tsx';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useCan } from '../../session/use-me.ts';
import { readDefinition } from './definition.ts';
import { StartRunForm } from './StartRunForm.tsx';
import './runs.css';

const route = getRouteApi('/app/runs/new');

/**
 * Starting a run: an approved workflow version (from the address when a link chose it), then the
 * form its definition calls for. The choice of workflow and version is kept in the address.
 */
export function StartRunPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const can = useCan();
  const workflows = useQuery({
    queryKey: ['workflows', 'runnable'],
    queryFn: () => data(api.GET('/api/workflows', { params: { query: { limit: 100 } } })),
  });
  const runnable = (workflows.data?.items ?? []).filter((workflow) => workflow.approved_version !== null);
  const name = search.workflow ?? (runnable.length === 1 ? runnable[0]?.name : undefined);
  const workflow = useQuery({
    queryKey: ['workflow', name],
    queryFn: () => data(api.GET('/api/workflows/{name}', { params: { path: { name: name ?? '' } } })),
    enabled: !!name,
  });
  const approved = (workflow.data?.versions ?? []).filter((version) => version.status === 'approved');
  const versionNumber = search.version ? Number(search.version) : approved[0]?.version;
  const version = useQuery({
    queryKey: ['workflow-version', name, versionNumber],
    queryFn: () =>
      data(
        api.GET('/api/workflows/{name}/versions/{version}', {
          params: { path: { name: name ?? '', version: versionNumber ?? 1 } },
        }),
      ),
    enabled: !!name && versionNumber !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const definition = useMemo(() => readDefinition(version.data?.definition), [version.data]);

  const header = (
    <PageHeader title="Start a run" subtitle="Run an approved workflow version on your instruments." />
  );
  if (!can('runs:create'))
    return (
      <>
        {header}
        <InfoNotice>You do not have permission to start runs.</InfoNotice>
      </>
    );
  if (workflows.isPending) return <Loading />;
  if (workflows.isError)
    return (
      <>
        {header}
        <ErrorNotice error={workflows.error} />
      </>
    );
  return (
    <>
      {header}
      <section className="card" aria-labelledby="workflow-heading">
        <h2 id="workflow-heading">Workflow</h2>
        {runnable.length === 0 ? (
          <InfoNotice>No workflow has an approved version yet: a run needs one.</InfoNotice>
        ) : (
          <div className="form-row">
            <SelectField
              label="Workflow"
              options={runnable.map((item) => ({ id: item.name, label: item.name }))}
              value={name ?? null}
              onChange={(next) =>
                void navigate({ search: { ...search, workflow: next, version: undefined } })
              }
              isRequired
            />
            {name && (
              <SelectField
                label="Version"
                options={approved.map((item) => ({
                  id: String(item.version),
                  label: `v${item.version} (approved)`,
                }))}
                value={versionNumber === undefined ? null : String(versionNumber)}
                onChange={(next) => void navigate({ search: { ...search, workflow: name, version: next } })}
                isRequired
                isDisabled={workflow.isPending}
              />
            )}
          </div>
        )}
        {definition.description && <p className="run-description">{definition.description}</p>}
        <ErrorNotice error={workflow.error ?? version.error} />
      </section>
      {name && versionNumber !== undefined && version.data?.status === 'approved' ? (
        <StartRunForm
          key={`${name}@${versionNumber}`}
          workflow={name}
          version={versionNumber}
          definition={definition}
          initialSamples={search.sample ? [search.sample] : []}
        />
      ) : name && version.isPending && versionNumber !== undefined ? (
        <Loading label="Loading the workflow's definition…" />
      ) : name && version.data && version.data.status !== 'approved' ? (
        <InfoNotice tone="warning">
          Version {versionNumber} is {version.data.status}: only approved versions run.
        </InfoNotice>
      ) : name && workflow.data && approved.length === 0 ? (
        <InfoNotice tone="warning">{name} has no approved version.</InfoNotice>
      ) : null}
    </>
  );
}
