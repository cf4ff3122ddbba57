import { type Executor, olderThan, queryRows } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type SQL, sql } from 'drizzle-orm';
import { startsWith } from '../shared/business-id-prefix.ts';
import { isUuid } from '../shared/uuid.ts';

/** A device as stored: identity, where it sits, and the status its last calibration set. */
export interface DeviceRow {
  id: string;
  lab_id: string;
  device_id: string;
  name: string;
  vendor: string;
  model: string;
  serial_number: string;
  device_type: string;
  hub_id: string | null;
  calibration_interval_days: number;
  in_service: boolean;
  health_score: number | null;
  last_calibration_id: string | null;
  last_calibrated_at: string | null;
  last_calibration_result: 'pass' | 'fail' | null;
  next_calibration_due: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export const deviceColumns = sql`devices.id, devices.lab_id, devices.device_id, devices.name, devices.vendor,
  devices.model, devices.serial_number, devices.device_type, devices.hub_id, devices.calibration_interval_days,
  devices.in_service, devices.health_score, devices.last_calibration_id,
  to_json(devices.last_calibrated_at) #>> '{}' as last_calibrated_at, devices.last_calibration_result,
  to_json(devices.next_calibration_due) #>> '{}' as next_calibration_due, devices.created_by,
  to_json(devices.created_at) #>> '{}' as created_at, to_json(devices.updated_at) #>> '{}' as updated_at`;

export type DeviceInsert = Pick<
  DeviceRow,
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
  | 'created_by'
>;

export async function insertDevice(tx: Executor, device: DeviceInsert): Promise<DeviceRow> {
  const [row] = await queryRows<DeviceRow>(
    tx,
    sql`insert into devices (lab_id, device_id, name, vendor, model, serial_number, device_type, hub_id,
          calibration_interval_days, in_service, health_score, created_by, updated_by)
        values (${device.lab_id}, ${device.device_id}, ${device.name}, ${device.vendor}, ${device.model},
          ${device.serial_number}, ${device.device_type}, ${device.hub_id}, ${device.calibration_interval_days},
          ${device.in_service}, ${device.health_score}, ${device.created_by}, ${device.created_by})
        returning ${deviceColumns}`,
  );
  if (!row) throw new Error('device insert returned nothing');
  return row;
}

/**
 * Devices by uuid or business id among the labs in scope. `lock`: 'update' before changing the
 * status, 'share' before using the device (a concurrent status change waits, or is waited for).
 */
export function findDevices(tx: Executor, key: string, lock?: 'update' | 'share'): Promise<DeviceRow[]> {
  const where = isUuid(key) ? sql`devices.id = ${key}::uuid` : sql`devices.device_id = ${key}`;
  const locking = lock === 'update' ? sql`for update` : lock === 'share' ? sql`for share` : sql``;
  return queryRows<DeviceRow>(
    tx,
    sql`select ${deviceColumns} from devices where ${where} order by devices.lab_id ${locking}`,
  );
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
export function stateCondition(state: NonNullable<DeviceFilter['calibration_state']>, now: Date): SQL {
  const at = now.toISOString();
  switch (state) {
    case 'never_calibrated':
      return sql`devices.last_calibration_id is null`;
    case 'failed':
      return sql`devices.last_calibration_result = 'fail'`;
    case 'overdue':
      return sql`devices.next_calibration_due < ${at}::timestamptz`;
    case 'valid':
      return sql`devices.next_calibration_due >= ${at}::timestamptz`;
  }
}

/** A page of devices, newest first, in the labs in scope and the filter. */
export function listDevices(
  tx: Executor,
  filter: DeviceFilter,
  now: Date,
  cursor: Cursor | undefined,
  limit: number,
): Promise<DeviceRow[]> {
  const conditions: SQL[] = [sql`true`];
  if (filter.lab_id) conditions.push(sql`devices.lab_id = ${filter.lab_id}`);
  if (filter.hub_id) conditions.push(sql`devices.hub_id = ${filter.hub_id}`);
  if (filter.device_type) conditions.push(sql`devices.device_type = ${filter.device_type}`);
  if (filter.in_service !== undefined) conditions.push(sql`devices.in_service = ${filter.in_service}`);
  if (filter.calibration_state) conditions.push(stateCondition(filter.calibration_state, now));
  if (filter.q) conditions.push(startsWith(sql`devices.device_id`, filter.q));
  return queryRows<DeviceRow>(
    tx,
    sql`select ${deviceColumns} from devices where ${sql.join(conditions, sql` and `)}
        ${olderThan(cursor, sql`devices.created_at`)}
        order by devices.created_at desc, devices.id desc limit ${limit}`,
  );
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
  >
>;

/** Applies changed columns; `changes` keys are trusted column names from the service. */
export async function updateDevice(
  tx: Executor,
  id: string,
  changes: DeviceChanges,
  by: string,
): Promise<DeviceRow> {
  const sets = Object.entries(changes).map(
    ([column, value]) => sql`${sql.identifier(column)} = ${value as string | number | boolean | null}`,
  );
  const [row] = await queryRows<DeviceRow>(
    tx,
    sql`update devices set ${sql.join([...sets, sql`updated_by = ${by}`, sql`updated_at = now()`], sql`, `)}
        where id = ${id} returning ${deviceColumns}`,
  );
  if (!row) throw new Error('device vanished during update');
  return row;
}

/**
 * Makes a calibration the device's status unless one performed later already governs it: the
 * comparison is in the UPDATE itself, so a back-dated entry can never overwrite a newer status.
 * An entry performed at the same instant as the governing one replaces it (the later record is
 * taken as the correction). Returns the new row, or undefined when the entry was older.
 */
export async function applyCalibration(
  tx: Executor,
  entry: { id: string; device_id: string; performed_at: string; result: string; next_due_at: string | null },
): Promise<DeviceRow | undefined> {
  const [row] = await queryRows<DeviceRow>(
    tx,
    sql`update devices set last_calibration_id = ${entry.id}, last_calibrated_at = ${entry.performed_at}::timestamptz,
          last_calibration_result = ${entry.result}, next_calibration_due = ${entry.next_due_at}::timestamptz,
          updated_at = now()
        where id = ${entry.device_id}
          and (last_calibrated_at is null or last_calibrated_at <= ${entry.performed_at}::timestamptz)
        returning ${deviceColumns}`,
  );
  return row;
}

export interface UsageRow {
  id: string;
  lab_id: string;
  device_id: string;
  used_by: string;
  used_by_email: string;
  used_at: string;
  purpose: string;
  sample_id: string | null;
  run_ref: string | null;
}

const usageColumns = sql`device_usage.id, device_usage.lab_id, device_usage.device_id, device_usage.used_by,
  users.email as used_by_email, to_json(device_usage.used_at) #>> '{}' as used_at, device_usage.purpose,
  device_usage.sample_id, device_usage.run_ref`;

export async function insertUsage(
  tx: Executor,
  usage: Omit<UsageRow, 'id' | 'used_by_email'>,
): Promise<UsageRow> {
  const [row] = await queryRows<UsageRow>(
    tx,
    sql`with inserted as (
          insert into device_usage (lab_id, device_id, used_by, used_at, purpose, sample_id, run_ref)
          values (${usage.lab_id}, ${usage.device_id}, ${usage.used_by}, ${usage.used_at}::timestamptz,
            ${usage.purpose}, ${usage.sample_id}, ${usage.run_ref})
          returning *)
        select ${usageColumns} from inserted device_usage join users on users.id = device_usage.used_by`,
  );
  if (!row) throw new Error('usage insert returned nothing');
  return row;
}

/** A device's logbook, newest first, keyset pages. */
export function listUsage(
  tx: Executor,
  deviceId: string,
  cursor: Cursor | undefined,
  limit: number,
): Promise<UsageRow[]> {
  return queryRows<UsageRow>(
    tx,
    sql`select ${usageColumns} from device_usage join users on users.id = device_usage.used_by
        where device_usage.device_id = ${deviceId}
        ${cursor ? sql`and (device_usage.used_at, device_usage.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : sql``}
        order by device_usage.used_at desc, device_usage.id desc limit ${limit}`,
  );
}
