import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import { api, data } from '../../api/client.ts';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { ApprovalPanel } from './ApprovalPanel.tsx';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { readDefinition } from './definition.ts';
import { InterlockPanel } from './InterlockPanel.tsx';
import { ReadingsChart } from './ReadingsChart.tsx';
import { RunControls } from './RunControls.tsx';
import { RunDetails } from './RunDetails.tsx';
import { RunOutcome } from './RunOutcome.tsx';
import { endStatuses, shortId, statusBadge, statusLabel } from './run-status.ts';
import { SpectrumChart } from './SpectrumChart.tsx';
import { StepProgress } from './StepProgress.tsx';
import { useLiveRun } from './use-live-run.ts';
import './runs.css';

const route = getRouteApi('/app/runs/$runId');

/**
 * A run, live: its state and step progress from the event stream, the latest spectrum and the
 * readings drawn as they arrive, pause / resume / abort, approval steps signed in place, the
 * interlocks, and the run report.
 */
export function RunPage() {
  const { runId } = route.useParams();
  const queryClient = useQueryClient();
  const run = useQuery({
    queryKey: ['run', runId],
    queryFn: () => data(api.GET('/api/runs/{id}', { params: { path: { id: runId } } })),
  });
  const version = useQuery({
    queryKey: ['workflow-version', run.data?.workflow, run.data?.version],
    queryFn: () =>
      data(
        api.GET('/api/workflows/{name}/versions/{version}', {
          params: { path: { name: run.data?.workflow ?? '', version: run.data?.version ?? 1 } },
        }),
      ),
    enabled: !!run.data,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const { store, snapshot: live } = useLiveRun(runId);
  const definition = useMemo(() => readDefinition(version.data?.definition), [version.data]);

  // A change of state (pause, approval, end) is rare: read the run record again for its details.
  useEffect(() => {
    if (live.stateEvents > 0) void queryClient.invalidateQueries({ queryKey: ['run', runId] });
  }, [live.stateEvents, queryClient, runId]);

  const status = live.status ?? run.data?.status;
  const waitingStepId =
    status === 'waiting_for_approval' ? (live.waitingStep ?? run.data?.waiting_step) : null;
  // The last step waited on stays known after the run goes on, so its signing dialog can finish.
  const [approvalStepId, setApprovalStepId] = useState<string | null>(null);
  if (waitingStepId && waitingStepId !== approvalStepId) setApprovalStepId(waitingStepId);
  const approvalStep = definition.steps.find((step) => step.id === approvalStepId);

  if (run.isPending) return <Loading />;
  if (run.isError)
    return (
      <>
        <PageHeader title="Run" />
        <ErrorNotice error={run.error} />
      </>
    );
  const record = run.data;
  const shown = status ?? record.status;
  const label = `Run ${shortId(record.id)} of ${record.workflow} v${record.version}`;
  return (
    <>
      <PageHeader
        title={`Run of ${record.workflow} v${record.version}`}
        subtitle={`Run ${shortId(record.id)} · created ${formatDateTime(record.created_at)}`}
      >
        <RunControls runId={record.id} status={shown} />
      </PageHeader>
      <p className="run-state-line">
        <span>State: </span>
        <span className={statusBadge(shown)} data-testid="run-status" data-status={shown}>
          {statusLabel(shown)}
        </span>
        <ConnectionBadge state={live.connection} />
      </p>
      {live.connection === 'failed' && <ErrorNotice error={live.connectionError} />}
      <RunOutcome
        status={shown}
        abortReason={live.abortReason ?? record.abort_reason}
        abortRequested={live.abortRequested}
        failedStep={live.failedStep ?? record.failed_step}
        error={live.error ?? record.error}
        steps={[...definition.steps, ...definition.onAbort]}
      />
      {approvalStep && (
        <ApprovalPanel runId={record.id} step={approvalStep} label={label} waiting={!!waitingStepId} />
      )}
      <div className="run-grid">
        <section className="card" aria-labelledby="live-data-heading">
          <h2 id="live-data-heading">Live data</h2>
          <h3>Latest spectrum</h3>
          <SpectrumChart store={store} />
          <h3>Readings</h3>
          <ReadingsChart store={store} />
        </section>
        <section className="card" aria-labelledby="steps-heading">
          <h2 id="steps-heading">Steps</h2>
          {version.isError ? (
            <ErrorNotice error={version.error} />
          ) : version.isPending ? (
            <Loading label="Loading the workflow's steps…" />
          ) : (
            <StepProgress steps={definition.steps} onAbort={definition.onAbort} live={live} run={record} />
          )}
        </section>
      </div>
      <InterlockPanel run={record} active={!endStatuses.has(shown)} />
      <RunDetails run={record} />
    </>
  );
}
