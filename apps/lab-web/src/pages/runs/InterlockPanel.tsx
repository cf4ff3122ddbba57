import { useMutation, useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan } from '../../session/use-me.ts';
import { useRunDevices } from './RunDetails.tsx';
import type { Run } from './run-status.ts';

const lineNames = [
  { line: 0, name: 'E-stop' },
  { line: 1, name: 'Door' },
];

/** Trips or resets a simulated DAQ's interlock inputs (active-low: low is open, the run aborts). */
function SimulatedLines({ deviceId, label }: { deviceId: string; label: string }) {
  const setLine = useMutation({
    mutationFn: (input: { line: number; high: boolean }) =>
      data(
        api.POST('/api/instruments/simulated/{id}/lines', {
          params: { path: { id: deviceId } },
          body: input,
        }),
      ),
  });
  const lines = setLine.data?.lines;
  return (
    <div className="run-sim-lines">
      <p>
        <strong>{label}</strong> is simulated: its interlock inputs can be opened here to rehearse a trip.
      </p>
      <div className="page-actions">
        {lineNames.map(({ line, name }) => (
          <span key={line} className="run-sim-line">
            <Button variant="danger" onPress={() => setLine.mutate({ line, high: false })}>
              Open {name} (trip)
            </Button>
            <Button onPress={() => setLine.mutate({ line, high: true })}>Close {name}</Button>
            {lines && (
              <span className={lines[line] ? 'badge badge-ok' : 'badge badge-danger'}>
                {name} {lines[line] ? 'closed' : 'open'}
              </span>
            )}
          </span>
        ))}
      </div>
      <ErrorNotice error={setLine.error} />
    </div>
  );
}

/**
 * The interlock lines of the run's instruments as the server last polled them while the run executes
 * (an open line aborts the run), and, for whoever manages devices, the simulated DAQs' line controls.
 */
export function InterlockPanel({ run, active }: { run: Run; active: boolean }) {
  const can = useCan();
  const devices = useRunDevices(run);
  const interlocks = useQuery({
    queryKey: ['interlocks'],
    queryFn: () => data(api.GET('/api/safety/interlocks')),
    refetchInterval: active ? 1_000 : false,
    enabled: active,
  });
  const drivers = useQuery({
    queryKey: ['instrument-drivers'],
    queryFn: () => data(api.GET('/api/instruments/drivers')),
    staleTime: 300_000,
    enabled: can('devices:manage'),
  });
  const simulatedDaqs = devices.filter((binding) =>
    drivers.data?.some(
      (driver) => driver.simulated && driver.kind === 'daq' && driver.name === binding.device?.driver,
    ),
  );
  // Lines are polled only while a run executes: an ended run's last reading would mislead.
  const lines = active ? (interlocks.data ?? []).filter((state) => state.run_id === run.id) : [];
  if (lines.length === 0 && simulatedDaqs.length === 0) return null;
  return (
    <section className="card" aria-labelledby="interlocks-heading">
      <h2 id="interlocks-heading">Interlocks</h2>
      {lines.length > 0 && (
        <div className="table-wrap">
          <table className="data" aria-label="Interlock lines">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Lines</th>
                <th scope="col">Read at</th>
                <th scope="col">Tripped</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((state) => (
                <tr key={state.role}>
                  <td>{state.role}</td>
                  <td>
                    {Object.entries(state.lines).map(([name, safe]) => (
                      <span key={name} className={safe ? 'badge badge-ok' : 'badge badge-danger'}>
                        {name} {safe ? 'safe' : 'open'}
                      </span>
                    ))}
                  </td>
                  <td>{formatDateTime(state.read_at)}</td>
                  <td>{state.tripped ?? 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {simulatedDaqs.map((binding) => (
        <SimulatedLines
          key={binding.role}
          deviceId={binding.device?.device_id ?? binding.device_id}
          label={binding.device ? `${binding.device.device_id} (${binding.role})` : binding.role}
        />
      ))}
    </section>
  );
}
