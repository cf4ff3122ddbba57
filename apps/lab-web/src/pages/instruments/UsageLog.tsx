import { useQueries } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { useKeysetPages } from '../../components/keyset-pages.ts';
import { PagedTable } from '../../components/PagedTable.tsx';
import { RunReference } from '../../components/RunReference.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan } from '../../session/use-me.ts';
import { instrumentsKey, type Usage } from './device-api.ts';

/** A device's logbook, newest first: who used it, when, for what, with which sample or run. */
export function UsageLog({ deviceId }: { deviceId: string }) {
  const pages = useKeysetPages([...instrumentsKey, 'usage', deviceId], (cursor) =>
    data(api.GET('/api/devices/{id}/usage', { params: { path: { id: deviceId }, query: { cursor } } })),
  );
  return (
    <PagedTable pages={pages} empty="No use recorded yet.">
      {(uses) => <UsageTable uses={uses} />}
    </PagedTable>
  );
}

function UsageTable({ uses }: { uses: Usage[] }) {
  const can = useCan();
  // The logbook names samples by uuid: their business ids are looked up for readers of samples.
  const ids = can('samples:read')
    ? [...new Set(uses.flatMap((use) => (use.sample_id ? [use.sample_id] : [])))]
    : [];
  const samples = useQueries({
    queries: ids.map((id) => ({
      queryKey: [...instrumentsKey, 'sample-ref', id],
      queryFn: () => data(api.GET('/api/samples/{id}', { params: { path: { id } } })),
      staleTime: 5 * 60_000,
    })),
  });
  const sampleName = (id: string) => samples.find((query) => query.data?.id === id)?.data?.sample_id;
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Logbook">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">By</th>
            <th scope="col">Purpose</th>
            <th scope="col">Sample</th>
            <th scope="col">Run</th>
          </tr>
        </thead>
        <tbody>
          {uses.map((use) => (
            <tr key={use.id}>
              <td>{formatDateTime(use.used_at)}</td>
              <td>{use.used_by_email}</td>
              <td>{use.purpose}</td>
              <td>
                {use.sample_id ? (
                  <Link to="/samples/$sampleId" params={{ sampleId: use.sample_id }}>
                    {sampleName(use.sample_id) ?? `sample ${use.sample_id.slice(0, 8)}`}
                  </Link>
                ) : (
                  '—'
                )}
              </td>
              <td>
                <RunReference value={use.run_ref} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
