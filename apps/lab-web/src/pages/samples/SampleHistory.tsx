import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client.ts';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { fieldChanges } from './history-changes.ts';

/** The sample's audit entries, oldest first: who did what, when, why, and what changed. */
export function SampleHistory({ id, version }: { id: string; version: string }) {
  const history = useQuery({
    queryKey: ['sample-history', id, version],
    queryFn: () => data(api.GET('/api/samples/{id}/history', { params: { path: { id } } })),
  });
  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {history.isPending ? (
        <Loading label="Loading the history…" />
      ) : history.isError ? (
        <ErrorNotice error={history.error} />
      ) : (
        <div className="table-wrap">
          <table className="data" aria-label="History of the sample">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">By</th>
                <th scope="col">Reason</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {history.data.map((entry) => {
                const changes = fieldChanges(entry.before, entry.after);
                return (
                  <tr key={entry.seq}>
                    <td>{formatDateTime(entry.occurred_at)}</td>
                    <td>{entry.action}</td>
                    <td>{entry.actor_email ?? 'system'}</td>
                    <td>{entry.reason ?? '—'}</td>
                    <td>
                      {changes.length === 0 ? (
                        '—'
                      ) : (
                        <ul className="history-changes">
                          {changes.map((change) => (
                            <li key={change.field}>
                              {change.field}:{' '}
                              {entry.before === null ? change.after : `${change.before} → ${change.after}`}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
