import { olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import {
  type Expression,
  type ExpressionBuilder,
  type Insertable,
  type Selectable,
  type SqlBool,
  sql,
} from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';
import { startsWith } from '../shared/business-id-prefix.ts';
import { isUuid } from '../shared/uuid.ts';

/** A device as stored: identity, where it sits, and the status its last calibration set. */
export type DeviceRow = Omit<Selectable<LabSchema['devices']>, 'updated_by'>;

/** Every column a device is shown and audited with (who changed it last is in the trail instead). */
export const deviceColumns: readonly (keyof DeviceRow)[] = [
  'id',
  'lab_id',
  'device_id',
  'name',
  'vendor',
  'model',
  'serial_number',
  'device_type',
  'hub_id',
  'calibration_interval_days',
  'in_service',
  'health_score',
  'driver',
  'driver_settings',
  'last_calibration_id',
  'last_calibrated_at',
  'last_calibration_result',
  'next_calibration_due',
  'created_by',
  'created_at',
  'updated_at',
];

export type DeviceInsert = Pick<
  Insertable<LabSchema['devices']>,
  | 'lab_id'
  | 'device_id'
  | 'name'
  | 'vendor'
  | 'model'
  | 'serial_number'
  | 'device_type'
  | 'hub_id'
  | 'calibration_interval_days'
  | 'in_service'
  | 'health_score'
  | 'driver'
  | 'created_by'
> & { driver_settings: Record<string, unknown> };

export function insertDevice(tx: LabExecutor, device: DeviceInsert): Promise<DeviceRow> {
  return tx
    .insertInto('devices')
    .values({
      ...device,
      driver_settings: JSON.stringify(device.driver_settings),
      updated_by: device.created_by,
    })
    .returning(deviceColumns)
    .executeTakeFirstOrThrow();
}

/**
 * Devices by uuid or business id among the labs in scope. `lock`: 'update' before changing the
 * status, 'share' before using the device (a concurrent status change waits, or is waited for).
 */
export function findDevices(tx: LabExecutor, key: string, lock?: 'update' | 'share'): Promise<DeviceRow[]> {
  const query = tx
    .selectFrom('devices')
    .select(deviceColumns)
    .where(isUuid(key) ? 'id' : 'device_id', '=', key)
    .orderBy('lab_id');
  if (lock === 'update') return query.forUpdate().execute();
  if (lock === 'share') return query.forShare().execute();
  return query.execute();
}

export interface DeviceFilter {
  lab_id?: string | undefined;
  hub_id?: string | undefined;
  device_type?: string | undefined;
  in_service?: boolean | undefined;
  calibration_state?: 'valid' | 'overdue' | 'failed' | 'never_calibrated' | undefined;
  q?: string | undefined;
}

/** The SQL form of a calibration state at `now` (the same rule as `calibrationState`). */
export function stateCondition(
  eb: ExpressionBuilder<LabSchema, 'devices'>,
  state: NonNullable<DeviceFilter['calibration_state']>,
  now: Date,
): Expression<SqlBool> {
  switch (state) {
    case 'never_calibrated':
      return eb('devices.last_calibration_id', 'is', null);
    case 'failed':
      return eb('devices.last_calibration_result', '=', 'fail');
    case 'overdue':
      return eb('devices.next_calibration_due', '<', now.toISOString());
    case 'valid':
      return eb('devices.next_calibration_due', '>=', now.toISOString());
  }
}

/** A page of devices, newest first, in the labs in scope and the filter. */
export function listDevices(
  tx: LabExecutor,
  filter: DeviceFilter,
  now: Date,
  cursor: Cursor | undefined,
  limit: number,
): Promise<DeviceRow[]> {
  let query = tx.selectFrom('devices').select(deviceColumns);
  const { lab_id: labId, hub_id: hubId, device_type: deviceType, calibration_state: state, q } = filter;
  if (labId) query = query.where('lab_id', '=', labId);
  if (hubId) query = query.where('hub_id', '=', hubId);
  if (deviceType) query = query.where('device_type', '=', deviceType);
  if (filter.in_service !== undefined) query = query.where('in_service', '=', filter.in_service);
  if (state) query = query.where((eb) => stateCondition(eb, state, now));
  if (q) query = query.where((eb) => startsWith(eb.ref('devices.device_id'), q));
  if (cursor) query = query.where((eb) => olderThan(eb.ref('created_at'), eb.ref('id'), cursor));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export type DeviceChanges = Partial<
  Pick<
    DeviceRow,
    | 'name'
    | 'vendor'
    | 'model'
    | 'serial_number'
    | 'device_type'
    | 'hub_id'
    | 'calibration_interval_days'
    | 'in_service'
    | 'health_score'
    | 'driver'
  > & { driver_settings: Record<string, unknown> }
>;

/** Applies the changed columns (never the calibration status: entries set that). */
export function updateDevice(
  tx: LabExecutor,
  id: string,
  changes: DeviceChanges,
  by: string,
): Promise<DeviceRow> {
  return tx
    .updateTable('devices')
    .set({
      ...changes,
      driver_settings:
        changes.driver_settings === undefined ? undefined : JSON.stringify(changes.driver_settings),
      updated_by: by,
      updated_at: sql<string>`now()`,
    })
    .where('id', '=', id)
    .returning(deviceColumns)
    .executeTakeFirstOrThrow();
}

/**
 * Makes a calibration the device's status unless one performed later already governs it: the
 * comparison is in the UPDATE itself, so a back-dated entry can never overwrite a newer status.
 * An entry performed at the same instant as the governing one replaces it (the later record is
 * taken as the correction). Returns the new row, or undefined when the entry was older.
 */
export function applyCalibration(
  tx: LabExecutor,
  entry: {
    id: string;
    device_id: string;
    performed_at: string;
    result: 'pass' | 'fail';
    next_due_at: string | null;
  },
): Promise<DeviceRow | undefined> {
  return tx
    .updateTable('devices')
    .set({
      last_calibration_id: entry.id,
      last_calibrated_at: entry.performed_at,
      last_calibration_result: entry.result,
      next_calibration_due: entry.next_due_at,
      updated_at: sql<string>`now()`,
    })
    .where('id', '=', entry.device_id)
    .where((eb) =>
      eb.or([eb('last_calibrated_at', 'is', null), eb('last_calibrated_at', '<=', entry.performed_at)]),
    )
    .returning(deviceColumns)
    .executeTakeFirst();
}

/** A logbook line, with the e-mail of whoever used the device. */
export type UsageRow = Selectable<LabSchema['device_usage']> & { used_by_email: string };

export function insertUsage(
  tx: LabExecutor,
  usage: Omit<Insertable<LabSchema['device_usage']>, 'id'>,
): Promise<UsageRow> {
  return tx
    .with('inserted', (db) => db.insertInto('device_usage').values(usage).returningAll())
    .selectFrom('inserted')
    .innerJoin('users', 'users.id', 'inserted.used_by')
    .selectAll('inserted')
    .select('users.email as used_by_email')
    .executeTakeFirstOrThrow();
}

/** A device's logbook, newest first, keyset pages. */
export function listUsage(
  tx: LabExecutor,
  deviceId: string,
  cursor: Cursor | undefined,
  limit: number,
): Promise<UsageRow[]> {
  let query = tx
    .selectFrom('device_usage')
    .innerJoin('users', 'users.id', 'device_usage.used_by')
    .selectAll('device_usage')
    .select('users.email as used_by_email')
    .where('device_usage.device_id', '=', deviceId);
  if (cursor) {
    query = query.where((eb) => olderThan(eb.ref('device_usage.used_at'), eb.ref('device_usage.id'), cursor));
  }
  return query
    .orderBy('device_usage.used_at', 'desc')
    .orderBy('device_usage.id', 'desc')
    .limit(limit)
    .execute();
}
