import { Link } from '@tanstack/react-router';
import { type Device, hubName, useHubs } from './device-api.ts';
import { CalibrationStateBadge, DueBadge, UsabilityBadge } from './device-format.tsx';

/** Devices with their calibration state, due date, service and usability. */
export function DevicesTable({
  devices,
  label,
}: {
  devices: (Device & { days_until_due?: number | null })[];
  label: string;
}) {
  const hubs = useHubs();
  return (
    <div className="table-wrap">
      <table className="data" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Hub</th>
            <th scope="col">Calibration</th>
            <th scope="col">Next due</th>
            <th scope="col">Service</th>
            <th scope="col">Usability</th>
          </tr>
        </thead>
        <tbody>
          {devices.map((device) => (
            <tr key={device.id}>
              <td>
                <Link to="/instruments/$deviceId" params={{ deviceId: device.id }}>
                  {device.device_id}
                </Link>
              </td>
              <td>{device.name}</td>
              <td>{device.device_type}</td>
              <td>{hubName(hubs.data, device.hub_id)}</td>
              <td>
                <CalibrationStateBadge state={device.calibration_state} />
              </td>
              <td>
                <DueBadge due={device.next_calibration_due} />
              </td>
              <td>{device.in_service ? 'In service' : 'Out of service'}</td>
              <td>
                <UsabilityBadge {...device} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
