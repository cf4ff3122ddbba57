import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { readableCode } from '../../format/text.ts';

/** Traceability: every run the sample went through, each linked to its run page. */
export function SampleRuns({ id }: { id: string }) {
  const runs = useQuery({
    queryKey: ['sample-runs', id],
    queryFn: () => data(api.GET('/api/samples/{id}/runs', { params: { path: { id } } })),
  });
  return (
    <section className="card" aria-labelledby="runs-heading">
      <h2 id="runs-heading">Runs</h2>
      {runs.isPending ? (
        <Loading label="Loading the runs…" />
      ) : runs.isError ? (
        <ErrorNotice error={runs.error} />
      ) : runs.data.runs.length === 0 ? (
        <p>This sample has not been through a run.</p>
      ) : (
        <div className="table-wrap">
          <table className="data" aria-label="Runs of the sample">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Assigned</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.runs.map((run) => (
                <tr key={run.id}>
                  <td>
                    <Link to="/runs/$runId" params={{ runId: run.id }}>
                      {run.workflow} v{run.version}
                    </Link>
                  </td>
                  <td>{readableCode(run.status)}</td>
                  <td>{formatDateTime(run.assigned_at)}</td>
                  <td>{formatDateTime(run.started_at)}</td>
                  <td>{formatDateTime(run.finished_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
