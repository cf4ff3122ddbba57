import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import type { GetReply } from '../../api/types.ts';
import { formatDateTime } from '../../format/dates.ts';
import { useCan } from '../../session/use-me.ts';
import { shortId, statusBadge, statusLabel } from './run-status.ts';

export type RunSummary = GetReply<'/api/runs'>['items'][number];

/**
 * Names of workflow versions by id. A run in the list names only its version's id (the list answers
 * no workflow name), so the names come from the workflows (one page) and their versions; a lab has
 * tens of workflows, not thousands.
 */
function useVersionNames(): ReadonlyMap<string, string> {
  const can = useCan();
  const names = useQuery({
    queryKey: ['workflow-version-names'],
    queryFn: async () => {
      const workflows = await data(api.GET('/api/workflows', { params: { query: { limit: 100 } } }));
      const details = await Promise.all(
        workflows.items.map((workflow) =>
          data(api.GET('/api/workflows/{name}', { params: { path: { name: workflow.name } } })),
        ),
      );
      const map = new Map<string, string>();
      for (const workflow of details)
        for (const version of workflow.versions) map.set(version.id, `${workflow.name} v${version.version}`);
      return map;
    },
    enabled: can('workflows:read'),
    staleTime: 300_000,
  });
  return names.data ?? new Map();
}

function outcomeOf(run: RunSummary): string {
  if (run.status === 'aborted') return run.abort_reason ?? '';
  if (run.status === 'failed') return run.error ?? '';
  if (run.status === 'waiting_for_approval') return `waiting at ${run.waiting_step ?? 'a step'}`;
  return run.reason ?? '';
}

/** One page of runs: each a link to its live view. */
export function RunsTable({ runs }: { runs: readonly RunSummary[] }) {
  const names = useVersionNames();
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Runs, newest first">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Workflow</th>
            <th scope="col">State</th>
            <th scope="col">Created</th>
            <th scope="col">Finished</th>
            <th scope="col">Reason or outcome</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run={run.id}>
              <td>
                <Link to="/runs/$runId" params={{ runId: run.id }} aria-label={`Run ${shortId(run.id)}`}>
                  <code>{shortId(run.id)}</code>
                </Link>
              </td>
              <td>{names.get(run.workflow_version_id) ?? '—'}</td>
              <td>
                <span className={statusBadge(run.status)}>{statusLabel(run.status)}</span>
              </td>
              <td>{formatDateTime(run.created_at)}</td>
              <td>{formatDateTime(run.finished_at)}</td>
              <td>{outcomeOf(run)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
