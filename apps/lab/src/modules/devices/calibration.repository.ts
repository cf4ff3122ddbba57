import { type Executor, queryRows } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type SQL, sql } from 'drizzle-orm';
import { type DeviceRow, deviceColumns, stateCondition } from './devices.repository.ts';

export interface CertificateRow {
  calibration_id: string;
  version: number;
  media_type: string;
  size_bytes: number;
  sha256: string;
  client_filename: string;
  uploaded_by: string;
  uploaded_at: string;
}

export interface CalibrationRow {
  id: string;
  lab_id: string;
  device_id: string;
  device_business_id: string;
  performed_by: string;
  performed_by_email: string;
  performed_at: string;
  result: 'pass' | 'fail';
  next_due_at: string | null;
  next_due_computed: boolean;
  notes: string;
  created_at: string;
  governs_status: boolean;
  certificates: CertificateRow[];
}

const certificateJson = sql`jsonb_build_object('calibration_id', c.calibration_id, 'version', c.version,
  'media_type', c.media_type, 'size_bytes', c.size_bytes, 'sha256', c.sha256, 'client_filename', c.client_filename,
  'uploaded_by', c.uploaded_by, 'uploaded_at', to_json(c.uploaded_at) #>> '{}')`;

const entryView = sql`select e.id, e.lab_id, e.device_id, d.device_id as device_business_id, e.performed_by,
    u.email as performed_by_email, to_json(e.performed_at) #>> '{}' as performed_at, e.result,
    to_json(e.next_due_at) #>> '{}' as next_due_at, e.next_due_computed, e.notes,
    to_json(e.created_at) #>> '{}' as created_at, d.last_calibration_id is not distinct from e.id as governs_status,
    coalesce((select jsonb_agg(${certificateJson} order by c.version) from calibration_certificates c
              where c.calibration_id = e.id), '[]'::jsonb) as certificates
  from calibration_entries e join devices d on d.id = e.device_id join users u on u.id = e.performed_by`;

export interface CalibrationInsert {
  lab_id: string;
  device_id: string;
  performed_by: string;
  performed_at: string;
  result: 'pass' | 'fail';
  next_due_at: string | null;
  next_due_computed: boolean;
  notes: string;
}

/** Appends an entry; returns its id (read it back with `calibrationById` once the status is set). */
export async function insertCalibration(tx: Executor, entry: CalibrationInsert): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    tx,
    sql`insert into calibration_entries (lab_id, device_id, performed_by, performed_at, result, next_due_at,
          next_due_computed, notes)
        values (${entry.lab_id}, ${entry.device_id}, ${entry.performed_by}, ${entry.performed_at}::timestamptz,
          ${entry.result}, ${entry.next_due_at}::timestamptz, ${entry.next_due_computed}, ${entry.notes})
        returning id`,
  );
  if (!row) throw new Error('calibration insert returned nothing');
  return row.id;
}

/** One entry of the labs in scope, with its certificates. */
export async function calibrationById(tx: Executor, id: string): Promise<CalibrationRow | undefined> {
  const [row] = await queryRows<CalibrationRow>(tx, sql`${entryView} where e.id = ${id}`);
  return row;
}

export interface CalibrationFilter {
  device_id?: string | undefined;
  result?: string | undefined;
  lab_id?: string | undefined;
}

/** A page of entries, most recently performed first. */
export function listCalibrations(
  tx: Executor,
  filter: CalibrationFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<CalibrationRow[]> {
  const conditions: SQL[] = [sql`true`];
  if (filter.device_id) conditions.push(sql`e.device_id = ${filter.device_id}`);
  if (filter.result) conditions.push(sql`e.result = ${filter.result}`);
  if (filter.lab_id) conditions.push(sql`e.lab_id = ${filter.lab_id}`);
  if (cursor) conditions.push(sql`(e.performed_at, e.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`);
  return queryRows<CalibrationRow>(
    tx,
    sql`${entryView} where ${sql.join(conditions, sql` and `)} order by e.performed_at desc, e.id desc limit ${limit}`,
  );
}

/**
 * Devices whose calibration falls due in [now, now + days] (upcoming), or that need calibrating
 * before any use (overdue: due strictly before now, latest calibration failed, or never
 * calibrated). Soonest first; never-calibrated devices lead the overdue list.
 */
export function dueDevices(
  tx: Executor,
  which: { kind: 'upcoming'; days: number } | { kind: 'overdue' },
  now: Date,
  labId: string | undefined,
): Promise<DeviceRow[]> {
  const at = now.toISOString();
  const window =
    which.kind === 'upcoming'
      ? sql`devices.next_calibration_due >= ${at}::timestamptz
            and devices.next_calibration_due <= ${at}::timestamptz + make_interval(days => ${which.days}::int)`
      : sql`(${stateCondition('overdue', now)} or ${stateCondition('failed', now)} or ${stateCondition('never_calibrated', now)})`;
  return queryRows<DeviceRow>(
    tx,
    sql`select ${deviceColumns} from devices where ${window}
        ${labId ? sql`and devices.lab_id = ${labId}` : sql``}
        order by devices.next_calibration_due asc nulls first, devices.last_calibrated_at asc nulls first,
          devices.device_id, devices.id`,
  );
}

export interface CertificateInsert {
  lab_id: string;
  calibration_id: string;
  storage_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  client_filename: string;
  uploaded_by: string;
}

/**
 * Adds the next version of an entry's certificate. The caller holds the device row lock, so two
 * uploads for one entry never pick the same version (UNIQUE (calibration_id, version) backs it).
 */
export async function insertCertificate(
  tx: Executor,
  certificate: CertificateInsert,
): Promise<CertificateRow> {
  const [row] = await queryRows<CertificateRow>(
    tx,
    sql`with inserted as (
          insert into calibration_certificates (lab_id, calibration_id, version, storage_name, media_type,
            size_bytes, sha256, client_filename, uploaded_by)
          values (${certificate.lab_id}, ${certificate.calibration_id},
            (select coalesce(max(version), 0) + 1 from calibration_certificates
              where calibration_id = ${certificate.calibration_id}),
            ${certificate.storage_name}, ${certificate.media_type}, ${certificate.size_bytes}, ${certificate.sha256},
            ${certificate.client_filename}, ${certificate.uploaded_by})
          returning *)
        select ${certificateJson} as certificate from inserted c`,
  ).then((rows) => rows.map((row) => (row as unknown as { certificate: CertificateRow }).certificate));
  if (!row) throw new Error('certificate insert returned nothing');
  return row;
}

/** The stored file of a certificate version (the latest when no version is asked for). */
export async function certificateFile(
  tx: Executor,
  calibrationId: string,
  version: number | undefined,
): Promise<(CertificateRow & { storage_name: string }) | undefined> {
  const [row] = await queryRows<{ certificate: CertificateRow; storage_name: string }>(
    tx,
    sql`select ${certificateJson} as certificate, c.storage_name from calibration_certificates c
        where c.calibration_id = ${calibrationId} ${version === undefined ? sql`` : sql`and c.version = ${version}`}
        order by c.version desc limit 1`,
  );
  return row ? { ...row.certificate, storage_name: row.storage_name } : undefined;
}
