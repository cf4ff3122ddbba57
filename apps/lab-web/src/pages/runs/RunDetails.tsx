import { useQueries } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { formatDateTime } from '../../format/dates.ts';
import type { Run } from './run-status.ts';

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The bound devices with their business ids (a reader without devices:read sees the uuids). */
export function useRunDevices(run: Run) {
  const devices = useQueries({
    queries: run.devices.map((binding) => ({
      queryKey: ['device', binding.device_id],
      queryFn: () => data(api.GET('/api/devices/{id}', { params: { path: { id: binding.device_id } } })),
      staleTime: 60_000,
      retry: false,
    })),
  });
  return run.devices.map((binding, index) => ({ ...binding, device: devices[index]?.data }));
}

/** What the run is: times, parameters, bound devices, samples and the configuration snapshot. */
export function RunDetails({ run }: { run: Run }) {
  const devices = useRunDevices(run);
  return (
    <section className="card" aria-labelledby="run-details-heading">
      <h2 id="run-details-heading">Record</h2>
      <dl className="details">
        <dt>Run</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
        <dt>Workflow</dt>
        <dd>
          <Link
            to="/workflows/$name/versions/$version"
            params={{ name: run.workflow, version: String(run.version) }}
          >
            {run.workflow} v{run.version}
          </Link>
        </dd>
        <dt>Created</dt>
        <dd>{formatDateTime(run.created_at)}</dd>
        <dt>Started</dt>
        <dd>{formatDateTime(run.started_at)}</dd>
        <dt>Finished</dt>
        <dd>{formatDateTime(run.finished_at)}</dd>
        {run.reason && (
          <>
            <dt>Reason</dt>
            <dd>{run.reason}</dd>
          </>
        )}
        <dt>Configuration snapshot</dt>
        <dd>
          <code className="run-hash">{run.snapshot_hash}</code>
        </dd>
      </dl>
      <h3>Parameters</h3>
      {Object.keys(run.parameters).length === 0 ? (
        <p>None.</p>
      ) : (
        <dl className="details">
          {Object.entries(run.parameters).map(([name, value]) => (
            <div key={name} className="details-row">
              <dt>{name}</dt>
              <dd>{show(value)}</dd>
            </div>
          ))}
        </dl>
      )}
      <h3>Devices</h3>
      <ul className="plain-list">
        {devices.map((binding) => (
          <li key={binding.role}>
            {binding.role}:{' '}
            <Link
              to="/instruments/$deviceId"
              params={{ deviceId: binding.device?.device_id ?? binding.device_id }}
            >
              {binding.device ? `${binding.device.device_id} · ${binding.device.name}` : binding.device_id}
            </Link>
            {binding.released_at ? ` (released ${formatDateTime(binding.released_at)})` : ' (reserved)'}
          </li>
        ))}
      </ul>
      <h3>Samples</h3>
      {run.samples.length === 0 ? (
        <p>No samples linked.</p>
      ) : (
        <ul className="plain-list">
          {run.samples.map((sample) => (
            <li key={sample.id}>
              <Link to="/samples/$sampleId" params={{ sampleId: sample.sample_id }}>
                {sample.sample_id}
              </Link>{' '}
              ({sample.sample_type}, {sample.status}) ·{' '}
              <Link to="/runs" search={{ sample: sample.sample_id }}>
                its runs
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
