import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ArchivePart,
  assertOutFree,
  type BackupManifest,
  type CheckReport,
  type CheckResult,
  dumpDatabase,
  migrationStatus,
  OperationError,
  openInspection,
  openVerifiedArchive,
  restoreDatabase,
  rowCountDifferences,
  writeBackupArchive,
} from '@ours/platform/operations';
import type { CoachConfig } from '../../config.ts';
import { migrationsDir } from '../../create-context.ts';
import { jwtSecretFile } from './coach-checks.ts';

/** The coach adds no state of its own: its rows are checked by count. */
export interface CoachBackupState {
  secrets_included: boolean;
}

export interface CoachBackupResult {
  manifest: BackupManifest<CoachBackupState>;
  bytes: number;
  ms: number;
}

/** One archive of the coach's database (and, embedded, its generated token secret). */
export async function backupCoach(
  config: CoachConfig,
  out: string,
  now: () => Date = () => new Date(),
): Promise<CoachBackupResult> {
  const started = performance.now();
  await assertOutFree(out);
  const workDir = await mkdtemp(join(tmpdir(), 'coach-backup-'));
  try {
    const embedded = !config.database.url;
    const dumpPath = join(workDir, 'database.dump');
    const dump = await dumpDatabase(config.database, dumpPath, async () => ({}));
    const parts: ArchivePart[] = [
      { name: embedded ? 'database/pglite-datadir.tar.gz' : 'database/coach.pgdump', path: dumpPath },
    ];
    const secret = embedded && !config.auth.jwtSecret ? await jwtSecretFile(config) : undefined;
    if (secret) parts.push({ name: 'secrets/jwt-secret', path: secret.file });
    const manifest = await writeBackupArchive<CoachBackupState>(out, workDir, parts, {
      service: 'coach',
      created_at: now().toISOString(),
      schema_version: dump.schemaVersion,
      database: dump.database,
      tables: dump.tables,
      roles: dump.roles,
      service_state: { secrets_included: secret !== undefined },
    });
    return { manifest, bytes: (await stat(out)).size, ms: Math.round(performance.now() - started) };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

export interface CoachRestoreResult {
  report: CheckReport;
  createdRoles: string[];
  ms: number;
}

/**
 * Restores a coach backup into an EMPTY database (every SHA-256 checked first), then verifies the
 * schema version and every table's row count against the manifest.
 */
export async function restoreCoach(config: CoachConfig, from: string): Promise<CoachRestoreResult> {
  const started = performance.now();
  const archive = await openVerifiedArchive<CoachBackupState>(from, 'coach');
  const { manifest } = archive;
  const workDir = await mkdtemp(join(tmpdir(), 'coach-restore-'));
  try {
    const dumpName = manifest.parts.find((part) => part.name.startsWith('database/'))?.name;
    if (!dumpName) throw new OperationError('ARCHIVE_CORRUPT', `${from} holds no database dump`);
    const [dumpPath] = await archive.extract(dumpName, join(workDir, 'database.dump'));
    const { createdRoles } = await restoreDatabase(config.database, dumpPath as string, manifest);
    if (!config.database.url && manifest.parts.some((part) => part.name === 'secrets/jwt-secret')) {
      const present = config.auth.jwtSecret !== undefined || (await jwtSecretFile(config)) !== undefined;
      if (!present) {
        await archive.extract('secrets/', join(workDir, 'secrets'));
        await writeFile(
          join(config.dataDir, 'jwt-secret'),
          await readFile(join(workDir, 'secrets', 'jwt-secret')),
          {
            mode: 0o600,
            flag: 'wx',
          },
        );
      }
    }
    const checks: CheckResult[] = [];
    const inspection = await openInspection(config.database, 'authenticator');
    try {
      const status = await migrationStatus(inspection.admin, migrationsDir);
      const schemaOk = status.current === manifest.schema_version && status.unknown.length === 0;
      checks.push({
        name: 'schema version',
        status: schemaOk ? 'pass' : 'fail',
        detail: `${status.current} (backup: ${manifest.schema_version})`,
        ...(schemaOk ? {} : { fix: 'The backup comes from a newer release: restore with that release.' }),
      });
      const differences = await rowCountDifferences(inspection.admin, manifest.tables);
      checks.push({
        name: 'row counts',
        status: differences.length === 0 ? 'pass' : 'fail',
        detail:
          differences.length === 0
            ? `${Object.keys(manifest.tables).length} tables, ${Object.values(manifest.tables).reduce((a, b) => a + b, 0)} rows, match the manifest`
            : differences.slice(0, 5).join('; '),
        ...(differences.length === 0
          ? {}
          : {
              fix: 'Do not put this database in service: it does not hold what the backup vouches for. Restore an earlier backup into a new empty database.',
            }),
      });
    } finally {
      await inspection.close();
    }
    return {
      report: { ok: checks.every((check) => check.status === 'pass'), checks },
      createdRoles,
      ms: Math.round(performance.now() - started),
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
