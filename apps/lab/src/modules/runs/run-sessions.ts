import type { LabExecutor } from '../../db/lab-database.ts';
import { driverNamed, type InstrumentSession } from '../instruments/index.ts';
import { isJsonObject } from '../shared/free-json.ts';
import type { WatchedInstrument } from './interlock-monitor.ts';
import { devicesOfRun, snapshotById } from './runs.repository.ts';

/** Connects a run's bound devices with the drivers and settings its snapshot recorded. */
export async function sessionsOf(tx: LabExecutor, runId: string, snapshotId: string) {
  const snapshot = await snapshotById(tx, snapshotId);
  const bound = isJsonObject(snapshot?.snapshot.devices) ? snapshot.snapshot.devices : {};
  const sessions: Record<string, InstrumentSession> = {};
  const instruments: WatchedInstrument[] = [];
  for (const reservation of await devicesOfRun(tx, runId)) {
    const device = bound[reservation.role];
    const driver = isJsonObject(device) ? driverNamed(String(device.driver)) : undefined;
    if (!driver || !isJsonObject(device))
      throw new Error(`run ${runId}: no driver for role ${reservation.role}`);
    const session = driver.connect(
      reservation.device_id,
      isJsonObject(device.driver_settings) ? device.driver_settings : {},
    );
    sessions[reservation.role] = session;
    const hubId = typeof device.hub_id === 'string' ? device.hub_id : null;
    instruments.push({ runId, role: reservation.role, deviceId: reservation.device_id, hubId, session });
  }
  return { sessions, instruments };
}
