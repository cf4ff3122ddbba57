import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { shortId, statusBadge, statusLabel } from './run-status.ts';

/**
 * Traceability: every run a sample went through, with the hashes that pin what ran; the state filter
 * applies here too (the answer is one sample's runs, whole).
 */
export function SampleRuns({ sample, status }: { sample: string; status?: string | undefined }) {
  const runs = useQuery({
    queryKey: ['sample-runs', sample],
    queryFn: () => data(api.GET('/api/samples/{id}/runs', { params: { path: { id: sample } } })),
  });
  if (runs.isPending) return <Loading />;
  if (runs.isError) return <ErrorNotice error={runs.error} />;
  const { sample_id: sampleId } = runs.data;
  const list = runs.data.runs.filter((run) => !status || run.status === status);
  return (
    <section aria-labelledby="sample-runs-heading">
      <h2 id="sample-runs-heading">
        Runs of sample{' '}
        <Link to="/samples/$sampleId" params={{ sampleId }}>
          {sampleId}
        </Link>
      </h2>
      {list.length === 0 ? (
        <InfoNotice>
          {status ? `No run of this sample is ${statusLabel(status)}.` : 'No run has used this sample yet.'}
        </InfoNotice>
      ) : (
        <div className="table-wrap">
          <table className="data" aria-label={`Runs of sample ${sampleId}`}>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Workflow</th>
                <th scope="col">State</th>
                <th scope="col">Assigned</th>
                <th scope="col">Finished</th>
                <th scope="col">Snapshot hash</th>
              </tr>
            </thead>
            <tbody>
              {list.map((run) => (
                <tr key={run.id} data-run={run.id}>
                  <td>
                    <Link to="/runs/$runId" params={{ runId: run.id }} aria-label={`Run ${shortId(run.id)}`}>
                      <code>{shortId(run.id)}</code>
                    </Link>
                  </td>
                  <td>
                    {run.workflow} v{run.version}
                  </td>
                  <td>
                    <span className={statusBadge(run.status)}>{statusLabel(run.status)}</span>
                  </td>
                  <td>{formatDateTime(run.assigned_at)}</td>
                  <td>{formatDateTime(run.finished_at)}</td>
                  <td>
                    <code title={run.snapshot_hash}>{run.snapshot_hash.slice(0, 12)}…</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
