import { ConflictError, NotFoundError } from '@ours/platform/errors';
import type { LabExecutor } from '../../db/lab-database.ts';
import { type DeviceRow, findDevices } from './devices.repository.ts';

export type CalibrationState = 'valid' | 'overdue' | 'failed' | 'never_calibrated';

/**
 * Where a device stands at `now`. Overdue is strictly before now: a device due at 10:00 is still
 * valid at 10:00:00.000 and overdue a millisecond later.
 */
export function calibrationState(device: DeviceRow, now: Date): CalibrationState {
  if (device.last_calibration_result === null) return 'never_calibrated';
  if (device.last_calibration_result === 'fail' || device.next_calibration_due === null) return 'failed';
  return Date.parse(device.next_calibration_due) < now.getTime() ? 'overdue' : 'valid';
}

/** A device as the API shows it: the stored row plus its state and usability at `now`. */
export function deviceView(device: DeviceRow, now: Date) {
  const state = calibrationState(device, now);
  return { ...device, calibration_state: state, usable: device.in_service && state === 'valid' };
}

/** One device of the labs in scope by uuid or business id, or a 404 (another lab's is invisible). */
export async function oneDevice(tx: LabExecutor, key: string, lock?: 'update' | 'share'): Promise<DeviceRow> {
  const rows = await findDevices(tx, key, lock);
  const [first, ...others] = rows;
  if (!first) throw new NotFoundError('device_not_found', `There is no device ${key}`);
  if (others.length > 0) {
    throw new ConflictError('ambiguous_device', `${key} exists in several of your labs: use its uuid`, {
      ids: rows.map((row) => ({ id: row.id, lab_id: row.lab_id })),
    });
  }
  return first;
}

const refusals: Record<Exclude<CalibrationState, 'valid'>, string> = {
  never_calibrated: 'has never been calibrated',
  failed: 'failed its latest calibration',
  overdue: 'is overdue for calibration',
};

/**
 * Refuses any use of a device that is out of service (409 `device_out_of_service`) or whose
 * calibration is not valid at `now`: never calibrated, latest calibration failed, or overdue (409
 * `device_not_calibrated`). Takes a share lock on the device row, so a calibration or a change of
 * service status committed concurrently is either seen here or waits for this transaction.
 * `deviceKey` is the device uuid (or business id); returns the device when it may be used.
 */
export async function assertDeviceUsable(tx: LabExecutor, deviceKey: string, now: Date): Promise<DeviceRow> {
  const device = await oneDevice(tx, deviceKey, 'share');
  if (!device.in_service) {
    throw new ConflictError('device_out_of_service', `Device ${device.device_id} is out of service`, {
      device_id: device.device_id,
    });
  }
  const state = calibrationState(device, now);
  if (state !== 'valid') {
    throw new ConflictError('device_not_calibrated', `Device ${device.device_id} ${refusals[state]}`, {
      device_id: device.device_id,
      calibration_state: state,
      last_calibrated_at: device.last_calibrated_at,
      last_calibration_result: device.last_calibration_result,
      next_calibration_due: device.next_calibration_due,
    });
  }
  return device;
}
