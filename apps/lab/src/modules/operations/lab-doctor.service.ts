import { join, resolve } from 'node:path';
import { messageOf } from '@ours/platform/errors';
import {
  type Check,
  type CheckOutcome,
  type CheckReport,
  clockSkewOutcome,
  type DatabaseInspection,
  fail,
  jobSchedulesOutcome,
  type MigrationStatus,
  migrationStatus,
  migrationsOutcome,
  openInspection,
  pass,
  probeHttp,
  rowLevelSecurityOutcome,
  runChecks,
  runtimeRoleOutcome,
  skip,
  storageOutcome,
  warn,
} from '@ours/platform/operations';
import type { LabConfig } from '../../config.ts';
import { migrationsDir } from '../../create-context.ts';
import type { LabSchema } from '../../db/lab-database.ts';
import { sealKeyOf } from '../audit/audit-integrity.service.ts';
import { labJobSchedules } from '../jobs/jobs.service.ts';
import { auditChainOutcome, checkpointOutcome } from './lab-audit.checks.ts';
import { findLabSecrets, secretKeyBytes } from './lab-keys.ts';
import { labRlsTables } from './lab-rls-tables.ts';
import { labSecretsOutcome } from './lab-secrets.check.ts';

export interface LabDoctorOptions {
  env: NodeJS.ProcessEnv;
  /** Walk the audit chain from genesis instead of from the last signed checkpoint. */
  fullAudit?: boolean;
  now?: () => Date;
  timeoutMs?: number;
}

/** The analysis service answers (BentoML's readiness probe); skipped when LAB_ANALYSIS_URL is unset. */
export async function analysisServiceOutcome(config: LabConfig): Promise<CheckOutcome> {
  const base = config.runs.analysisUrl;
  if (!base) return skip('LAB_ANALYSIS_URL is not set: analysis steps report "unavailable"');
  const url = new URL('readyz', base.endsWith('/') ? base : `${base}/`).toString();
  const probe = await probeHttp(url, { timeoutMs: Math.max(config.runs.analysisTimeoutMs, 1_000) });
  const fix = `Start the analysis service at ${base}, or unset LAB_ANALYSIS_URL (analysis steps then report unavailable).`;
  if (probe.status === null) return fail(`${base}: ${probe.error}`, fix);
  if (probe.status === 503) return warn(`${url} answered 503 (not ready) in ${probe.ms} ms`, fix);
  return pass(`${url} answered ${probe.status} in ${probe.ms} ms`);
}

/** What an embedded database locked by the running server means for doctor. */
function openFailure(config: LabConfig, error: unknown): CheckOutcome {
  const message = messageOf(error);
  const holder = /is in use by process (\d+)/.exec(message)?.[1];
  if (holder) {
    return fail(
      `the embedded database ${config.database.dataDir} is open in process ${holder}, the running lab server (one process at a time can open it)`,
      `Stop the server and run doctor again, or check it from outside: curl http://${config.http.host}:${config.http.port}/health; on PostgreSQL doctor runs beside the server.`,
    );
  }
  return fail(
    `cannot open the database: ${message}`,
    config.database.url
      ? 'Check DATABASE_URL / DATABASE_ADMIN_URL (host, port, user, password, database name) and that PostgreSQL is up: pg_isready -d "$DATABASE_URL".'
      : `Check that ${config.database.dataDir} is readable and writable by this user.`,
  );
}

/**
 * The lab's post-deployment checklist. Each check is one line of the report; the database is
 * opened once, without migrating, and the checks that need it skip (saying why) when it is not
 * reachable or not migrated.
 */
export function labDoctor(config: LabConfig, options: LabDoctorOptions): Promise<CheckReport> {
  const now = options.now ?? (() => new Date());
  let inspection: DatabaseInspection | undefined;
  let status: MigrationStatus | undefined;
  const needsDatabase = (run: (db: DatabaseInspection) => Promise<CheckOutcome>) => async () =>
    inspection ? run(inspection) : skip('the database could not be opened (see the database check)');
  const needsSchema = (run: (db: DatabaseInspection) => Promise<CheckOutcome>) =>
    needsDatabase(async (db) =>
      status && status.pending.length === 0 && status.unknown.length === 0 && status.changed.length === 0
        ? run(db)
        : skip('the schema is not current (see the migrations check)'),
    );
  const checks: Check[] = [
    {
      name: 'database',
      run: async () => {
        const started = performance.now();
        try {
          inspection = await openInspection(config.database, 'lab_app');
        } catch (error) {
          return openFailure(config, error);
        }
        const [row] = await inspection.admin.query<{ version: string }>(
          "SELECT current_setting('server_version') AS version",
        );
        const where =
          inspection.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.database.dataDir}`;
        return pass(`${where} ${row?.version} reachable in ${Math.round(performance.now() - started)} ms`);
      },
    },
    {
      name: 'migrations',
      run: needsDatabase(async (db) => {
        status = await migrationStatus(db.admin, migrationsDir);
        return migrationsOutcome(status, 'lab');
      }),
    },
    {
      name: 'row-level security',
      run: needsSchema((db) => rowLevelSecurityOutcome(db.admin, 'lab_app', labRlsTables)),
    },
    {
      name: 'runtime role',
      run: needsSchema((db) => runtimeRoleOutcome(db.admin, db.runtimeLogin, 'lab_app')),
    },
    { name: 'secrets', run: () => labSecretsOutcome(config, options.env) },
    { name: 'clock skew', run: needsDatabase((db) => clockSkewOutcome(db.runtimeLogin ?? db.admin)) },
    {
      name: 'audit chain',
      run: needsSchema(async (db) => {
        const secretKey = secretKeyBytes(await findLabSecrets(config));
        if (!secretKey)
          return skip('LAB_SECRET_KEY is not available (see the secrets check): the seals cannot be checked');
        return auditChainOutcome(
          await db.runtimeDatabase<LabSchema>(),
          sealKeyOf(secretKey),
          options.fullAudit === true,
        );
      }),
    },
    {
      name: 'audit checkpoint',
      run: needsSchema(async (db) =>
        checkpointOutcome(await db.runtimeDatabase<LabSchema>(), config.audit.checkpointHours, now()),
      ),
    },
    {
      name: 'certificate store',
      run: () => storageOutcome(join(resolve(config.dataDir), 'certificates'), 'the certificate store'),
    },
    { name: 'analysis service', run: () => analysisServiceOutcome(config) },
    {
      name: 'job schedules',
      run: needsSchema((db) => jobSchedulesOutcome(db.admin, labJobSchedules, 'lab')),
    },
  ];
  return runChecks(checks, { timeoutMs: options.timeoutMs }).finally(() => inspection?.close());
}
