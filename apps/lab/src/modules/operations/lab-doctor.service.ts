import { join, resolve } from 'node:path';
import {
  type Check,
  type CheckOutcome,
  type CheckReport,
  clockSkewOutcome,
  doctorDatabaseChecks,
  fail,
  jobSchedulesOutcome,
  pass,
  probeHttp,
  runChecks,
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

/**
 * The lab's post-deployment checklist. Each check is one line of the report; the database is
 * opened once, without migrating, and the checks that need it skip (saying why) when it is not
 * reachable or not migrated.
 */
export function labDoctor(config: LabConfig, options: LabDoctorOptions): Promise<CheckReport> {
  const now = options.now ?? (() => new Date());
  const database = doctorDatabaseChecks({
    database: config.database,
    http: config.http,
    service: 'lab',
    server: 'lab server',
    runtimeRole: 'lab_app',
    migrationsDir,
    rlsTables: labRlsTables,
  });
  const { needsDatabase, needsSchema } = database;
  const checks: Check[] = [
    ...database.checks,
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
  return runChecks(checks, { timeoutMs: options.timeoutMs }).finally(() => database.close());
}
