import { olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type Insertable, type Selectable, sql } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';
import { type DeviceRow, deviceColumns, stateCondition } from './devices.repository.ts';

/** A certificate version as shown (where it is stored stays on the server). */
export type CertificateRow = Omit<
  Selectable<LabSchema['calibration_certificates']>,
  'id' | 'lab_id' | 'storage_name'
>;

const certificateColumns = [
  'calibration_id',
  'version',
  'media_type',
  'size_bytes',
  'sha256',
  'client_filename',
  'uploaded_by',
  'uploaded_at',
] satisfies (keyof CertificateRow)[];

/** An entry as shown: who performed it, its device's business id, its certificates. */
export type CalibrationRow = Selectable<LabSchema['calibration_entries']> & {
  device_business_id: string;
  performed_by_email: string;
  governs_status: boolean;
  certificates: CertificateRow[];
};

/** Entries with their device's business id, performer's e-mail, status role and certificates. */
function entries(tx: LabExecutor) {
  return tx
    .selectFrom('calibration_entries as e')
    .innerJoin('devices as d', 'd.id', 'e.device_id')
    .innerJoin('users as u', 'u.id', 'e.performed_by')
    .selectAll('e')
    .select((eb) => [
      'd.device_id as device_business_id',
      'u.email as performed_by_email',
      // A comparison types as SqlBool (0 | 1 | boolean); PostgreSQL answers a boolean.
      sql<boolean>`${eb.ref('d.last_calibration_id')} is not distinct from ${eb.ref('e.id')}`.as(
        'governs_status',
      ),
      // Every version, oldest first, as one JSON array: the entry and its certificates in one read.
      eb
        .selectFrom(
          eb
            .selectFrom('calibration_certificates')
            .select(certificateColumns)
            .whereRef('calibration_certificates.calibration_id', '=', 'e.id')
            .as('c'),
        )
        .select((c) => c.fn.coalesce(c.fn.jsonAgg('c').orderBy('c.version'), sql<[]>`'[]'::json`).as('all'))
        .$asScalar()
        .as('certificates'),
    ]);
}

export type CalibrationInsert = Omit<Insertable<LabSchema['calibration_entries']>, 'id' | 'created_at'>;

/** Appends an entry; answers it as stored. */
export function insertCalibration(
  tx: LabExecutor,
  entry: CalibrationInsert,
): Promise<Selectable<LabSchema['calibration_entries']>> {
  return tx.insertInto('calibration_entries').values(entry).returningAll().executeTakeFirstOrThrow();
}

/** One entry of the labs in scope, with its certificates. */
export function calibrationById(tx: LabExecutor, id: string): Promise<CalibrationRow | undefined> {
  return entries(tx).where('e.id', '=', id).executeTakeFirst();
}

export interface CalibrationFilter {
  device_id?: string | undefined;
  result?: 'pass' | 'fail' | undefined;
  lab_id?: string | undefined;
}

/** A page of entries, most recently performed first. */
export function listCalibrations(
  tx: LabExecutor,
  filter: CalibrationFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<CalibrationRow[]> {
  let query = entries(tx);
  if (filter.device_id) query = query.where('e.device_id', '=', filter.device_id);
  if (filter.result) query = query.where('e.result', '=', filter.result);
  if (filter.lab_id) query = query.where('e.lab_id', '=', filter.lab_id);
  if (cursor) query = query.where((eb) => olderThan(eb.ref('e.performed_at'), eb.ref('e.id'), cursor));
  return query.orderBy('e.performed_at', 'desc').orderBy('e.id', 'desc').limit(limit).execute();
}

/**
 * Devices whose calibration falls due in [now, now + days] (upcoming), or that need calibrating
 * before any use (overdue: due strictly before now, latest calibration failed, or never
 * calibrated). Soonest first; never-calibrated devices lead the overdue list.
 */
export function dueDevices(
  tx: LabExecutor,
  which: { kind: 'upcoming'; days: number } | { kind: 'overdue' },
  now: Date,
  labId: string | undefined,
): Promise<DeviceRow[]> {
  const at = now.toISOString();
  let query = tx
    .selectFrom('devices')
    .select(deviceColumns)
    .where((eb) =>
      which.kind === 'upcoming'
        ? eb.and([
            eb('next_calibration_due', '>=', at),
            eb(
              'next_calibration_due',
              '<=',
              sql<string>`${at}::timestamptz + make_interval(days => ${which.days})`,
            ),
          ])
        : eb.or([
            stateCondition(eb, 'overdue', now),
            stateCondition(eb, 'failed', now),
            stateCondition(eb, 'never_calibrated', now),
          ]),
    );
  if (labId) query = query.where('lab_id', '=', labId);
  return query
    .orderBy('next_calibration_due', (order) => order.asc().nullsFirst())
    .orderBy('last_calibrated_at', (order) => order.asc().nullsFirst())
    .orderBy('device_id')
    .orderBy('id')
    .execute();
}

export type CertificateInsert = Omit<
  Insertable<LabSchema['calibration_certificates']>,
  'id' | 'version' | 'uploaded_at'
>;

/**
 * Adds the next version of an entry's certificate. The caller holds the device row lock, so two
 * uploads for one entry never pick the same version (UNIQUE (calibration_id, version) backs it).
 */
export function insertCertificate(tx: LabExecutor, certificate: CertificateInsert): Promise<CertificateRow> {
  return tx
    .insertInto('calibration_certificates')
    .values((eb) => ({
      ...certificate,
      version: eb
        .selectFrom('calibration_certificates')
        .select((latest) =>
          latest(latest.fn.coalesce(latest.fn.max('version'), sql.lit(0)), '+', 1).as('next'),
        )
        .where('calibration_id', '=', certificate.calibration_id)
        .$asScalar(),
    }))
    .returning(certificateColumns)
    .executeTakeFirstOrThrow();
}

/** The stored file of a certificate version (the latest when no version is asked for). */
export function certificateFile(
  tx: LabExecutor,
  calibrationId: string,
  version: number | undefined,
): Promise<(CertificateRow & { storage_name: string }) | undefined> {
  let query = tx
    .selectFrom('calibration_certificates')
    .select([...certificateColumns, 'storage_name'])
    .where('calibration_id', '=', calibrationId);
  if (version !== undefined) query = query.where('version', '=', version);
  return query.orderBy('version', 'desc').limit(1).executeTakeFirst();
}
