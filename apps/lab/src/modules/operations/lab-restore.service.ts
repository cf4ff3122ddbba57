import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fieldOf } from '@ours/platform/errors';
import {
  type CheckReport,
  type CheckResult,
  migrationStatus,
  OperationError,
  openInspection,
  openVerifiedArchive,
  restoreDatabase,
  rowCountDifferences,
  sha256OfFile,
} from '@ours/platform/operations';
import type { LabConfig } from '../../config.ts';
import { migrationsDir } from '../../create-context.ts';
import type { LabSchema } from '../../db/lab-database.ts';
import { auditTrailInFull, sealKeyCheck, sealKeyOf } from '../audit/audit-integrity.service.ts';
import type { LabBackupState } from './lab-backup-state.ts';
import { findLabSecrets, secretKeyBytes } from './lab-keys.ts';

export interface LabRestoreResult {
  report: CheckReport;
  createdRoles: string[];
  ms: number;
}

async function isEmpty(directory: string): Promise<boolean> {
  try {
    return (await readdir(directory)).length === 0;
  } catch (error) {
    if (fieldOf(error, 'code') === 'ENOENT') return true;
    throw error;
  }
}

/**
 * Restores a lab backup into an EMPTY database and certificate store. Everything that can refuse
 * does so before anything is written: the archive against its manifest (every SHA-256), the
 * target's emptiness, and the secret key the audit entries are sealed with. After the restore the
 * whole audit chain, every checkpoint signature, the head, the row counts and the certificate files
 * are verified; the report fails unless all of them hold.
 */
export async function restoreLab(config: LabConfig, from: string): Promise<LabRestoreResult> {
  const started = performance.now();
  const archive = await openVerifiedArchive<LabBackupState>(from, 'lab');
  const { manifest } = archive;
  const state = manifest.service_state;
  const embedded = !config.database.url;
  const workDir = await mkdtemp(join(tmpdir(), 'lab-restore-'));
  try {
    // The seal key: the environment's, else the files already in the data directory, else (embedded)
    // the ones in the archive, which the restore then puts in place.
    const archivedSecrets = embedded ? await archive.extract('secrets/', join(workDir, 'secrets')) : [];
    const secrets = await findLabSecrets(config);
    let secretKey = secretKeyBytes(secrets);
    if (!secretKey && archivedSecrets.some((file) => file.endsWith('/secret-key'))) {
      secretKey = Buffer.from(
        (await readFile(join(workDir, 'secrets', 'secret-key'), 'utf8')).trim(),
        'base64',
      );
    }
    if (!secretKey) {
      throw new OperationError(
        'RESTORE_SECRET_KEY_MISSING',
        'LAB_SECRET_KEY is not set: the audit entries are sealed with the secret key of the lab that made the backup; set the same LAB_SECRET_KEY (and LAB_SIGNING_KEY, LAB_JWT_SECRET) before restoring',
      );
    }
    if (state.seal_key_check && sealKeyCheck(secretKey) !== state.seal_key_check) {
      throw new OperationError(
        'RESTORE_SECRET_KEY_MISMATCH',
        "LAB_SECRET_KEY is not the key the backup's audit entries are sealed with: the restored trail could not be verified (nor TOTP seeds opened). Restore with the LAB_SECRET_KEY of the lab that made the backup",
      );
    }
    const certificateDir = join(resolve(config.dataDir), 'certificates');
    if (!(await isEmpty(certificateDir))) {
      throw new OperationError(
        'RESTORE_TARGET_NOT_EMPTY',
        `the certificate store ${certificateDir} is not empty: restore goes into an empty data directory only; move it away and run restore again`,
      );
    }
    const dumpName = manifest.parts.find((part) => part.name.startsWith('database/'))?.name;
    if (!dumpName) throw new OperationError('ARCHIVE_CORRUPT', `${from} holds no database dump`);
    const [dumpPath] = await archive.extract(dumpName, join(workDir, 'database.dump'));
    const { createdRoles } = await restoreDatabase(config.database, dumpPath as string, manifest);

    // Only now does anything land in the data directory, and only where nothing was.
    if (embedded) {
      for (const secret of secrets.filter((found) => found.source === 'missing' && found.file)) {
        const name = (secret.file as string).split('/').at(-1) as string;
        if (archivedSecrets.some((file) => file.endsWith(`/${name}`))) {
          await writeFile(secret.file as string, await readFile(join(workDir, 'secrets', name)), {
            mode: 0o600,
            flag: 'wx',
          });
        }
      }
    }
    await archive.extract('certificates/', certificateDir);

    const report = await verifyRestoredLab(config, manifest, secretKey);
    return { report, createdRoles, ms: Math.round(performance.now() - started) };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The checks a restore must pass before it reports success. */
async function verifyRestoredLab(
  config: LabConfig,
  manifest: Awaited<ReturnType<typeof openVerifiedArchive<LabBackupState>>>['manifest'],
  secretKey: Buffer,
): Promise<CheckReport> {
  const state = manifest.service_state;
  const checks: CheckResult[] = [];
  const add = (name: string, ok: boolean, detail: string, fix: string) =>
    checks.push({ name, status: ok ? 'pass' : 'fail', detail, ...(ok ? {} : { fix }) });
  const incident =
    'Do not put this database in service: the backup does not hold what its manifest vouches for. Keep it for investigation, restore an earlier backup into a new empty database.';
  const inspection = await openInspection(config.database, 'lab_app');
  try {
    const status = await migrationStatus(inspection.admin, migrationsDir);
    add(
      'schema version',
      status.current === manifest.schema_version && status.unknown.length === 0,
      `${status.current} (backup: ${manifest.schema_version})${status.pending.length ? `; ${status.pending.length} newer migrations apply at the next start` : ''}`,
      'The backup comes from a newer release: restore with that release.',
    );
    const differences = await rowCountDifferences(inspection.admin, manifest.tables);
    const tableCount = Object.keys(manifest.tables).length;
    add(
      'row counts',
      differences.length === 0,
      differences.length === 0
        ? `${tableCount} tables match the manifest`
        : differences.slice(0, 5).join('; '),
      incident,
    );
    const trail = await auditTrailInFull(await inspection.runtimeDatabase<LabSchema>(), sealKeyOf(secretKey));
    add(
      'audit chain',
      trail.chain.valid,
      trail.chain.valid
        ? `${trail.chain.checked} entries verified from genesis`
        : `broken at entry ${trail.chain.first_invalid_seq}: ${trail.chain.reason}`,
      incident,
    );
    const expected = state.audit.head;
    add(
      'audit head',
      trail.head.seq === expected.seq && trail.head.hash === expected.hash,
      `entry ${trail.head.seq} ${trail.head.hash.slice(0, 12)}… (manifest: ${expected.seq} ${expected.hash.slice(0, 12)}…)`,
      incident,
    );
    const { last, invalid, count } = trail.checkpoints;
    const expectedLast = state.audit.last_checkpoint;
    const lastMatches =
      (last === undefined && expectedLast === null) ||
      (last !== undefined &&
        expectedLast !== null &&
        last.seq === expectedLast.seq &&
        last.head_hash === expectedLast.head_hash);
    add(
      'audit checkpoints',
      invalid.length === 0 && lastMatches && count === state.audit.checkpoints,
      invalid.length > 0
        ? `checkpoints at entries ${invalid.join(', ')} do not verify`
        : `${count} signatures valid, each over the entry it names; last at entry ${last?.seq ?? 'none'} (manifest: ${expectedLast?.seq ?? 'none'}, ${state.audit.checkpoints} in all)`,
      incident,
    );
    const certificateDir = join(resolve(config.dataDir), 'certificates');
    const rows = await inspection.admin.query<{ storage_name: string; sha256: string }>(
      'SELECT storage_name, sha256 FROM public.calibration_certificates',
    );
    const wrong: string[] = [];
    for (const row of rows) {
      if (state.certificates.missing.includes(row.storage_name)) continue;
      const sha256 = await sha256OfFile(join(certificateDir, row.storage_name)).catch(() => 'missing');
      if (sha256 !== row.sha256)
        wrong.push(`${row.storage_name} (${sha256 === 'missing' ? 'missing' : 'differs'})`);
    }
    add(
      'certificate files',
      wrong.length === 0,
      wrong.length === 0
        ? `${rows.length - state.certificates.missing.length} files match their recorded SHA-256${state.certificates.missing.length ? `; ${state.certificates.missing.length} were already missing when the backup was made` : ''}`
        : `${wrong.slice(0, 5).join(', ')}`,
      incident,
    );
  } finally {
    await inspection.close();
  }
  return { ok: checks.every((check) => check.status === 'pass'), checks };
}
