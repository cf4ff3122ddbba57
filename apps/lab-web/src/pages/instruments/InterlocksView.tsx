import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { QueryFrame } from '../../components/PagedTable.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { type Hub, type InterlockState, instrumentsKey, useHubs } from './device-api.ts';

/**
 * The interlock lines (E-stop, door…) of the instruments of running workflows, as the lab last
 * polled them, grouped by hub. Refreshed every two seconds while shown: a trip aborts the run.
 */
export function InterlocksView() {
  const states = useQuery({
    queryKey: [...instrumentsKey, 'interlocks'],
    queryFn: () => data(api.GET('/api/safety/interlocks')),
    refetchInterval: 2_000,
  });
  const hubs = useHubs();
  return (
    <QueryFrame query={states}>
      {(lines) =>
        lines.length === 0 ? (
          <p>No running workflow has an instrument with interlocks now.</p>
        ) : (
          <InterlockGroups states={lines} hubs={hubs.data ?? []} />
        )
      }
    </QueryFrame>
  );
}

/** The business ids of the devices shown (the states name them by uuid), looked up once each. */
function useDeviceNames(ids: string[]) {
  const devices = useQueries({
    queries: [...new Set(ids)].map((id) => ({
      queryKey: [...instrumentsKey, 'device', id],
      queryFn: () => data(api.GET('/api/devices/{id}', { params: { path: { id } } })),
      staleTime: 60_000,
    })),
  });
  return (id: string) => devices.find((query) => query.data?.id === id)?.data?.device_id;
}

function InterlockGroups({ states, hubs }: { states: InterlockState[]; hubs: Hub[] }) {
  const deviceName = useDeviceNames(states.map((state) => state.device_id));
  const hubIds = [...new Set(states.map((state) => state.hub_id))];
  return (
    <>
      {hubIds.map((hubId) => {
        const name =
          hubId === null ? 'Not on a hub' : `Hub ${hubs.find((hub) => hub.id === hubId)?.name ?? hubId}`;
        const group = states.filter((state) => state.hub_id === hubId);
        const tripped = group.filter((state) => state.tripped !== null).length;
        const headingId = `hub-${hubId ?? 'none'}`;
        return (
          <section key={hubId ?? 'none'} className="card" aria-labelledby={headingId}>
            <div className="inv-section-header">
              <h2 id={headingId}>{name}</h2>
              {tripped > 0 ? (
                <span className="badge badge-danger">{tripped} tripped</span>
              ) : (
                <span className="badge badge-ok">All lines safe</span>
              )}
            </div>
            <div className="table-wrap">
              <table className="data" aria-label={`Interlocks of ${name}`}>
                <thead>
                  <tr>
                    <th scope="col">Device</th>
                    <th scope="col">Role</th>
                    <th scope="col">Run</th>
                    <th scope="col">Lines</th>
                    <th scope="col">Last read</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {group.map((state) => (
                    <tr key={`${state.run_id}/${state.role}`}>
                      <td>
                        <Link to="/instruments/$deviceId" params={{ deviceId: state.device_id }}>
                          {deviceName(state.device_id) ?? 'device'}
                        </Link>
                      </td>
                      <td>{state.role}</td>
                      <td>
                        <Link to="/runs/$runId" params={{ runId: state.run_id }}>
                          run {state.run_id.slice(0, 8)}
                        </Link>
                      </td>
                      <td>
                        <ul className="inv-line-list" aria-label="Lines">
                          {Object.entries(state.lines).map(([line, safe]) => (
                            <li key={line}>
                              <span className={`badge ${safe ? 'badge-ok' : 'badge-danger'}`}>
                                {line}: {safe ? 'safe' : 'open'}
                              </span>
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td>{state.read_at ? formatDateTime(state.read_at) : 'not read yet'}</td>
                      <td>
                        {state.tripped ? (
                          <span className="badge badge-danger">Tripped: {state.tripped}</span>
                        ) : (
                          <span className="badge badge-ok">Safe</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </>
  );
}
