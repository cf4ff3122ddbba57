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
  rowLevelSecurityOutcome,
  runChecks,
  runtimeRoleOutcome,
  skip,
} from '@ours/platform/operations';
import type { CoachConfig } from '../../config.ts';
import { migrationsDir } from '../../create-context.ts';
import { jobSchedules } from '../jobs/index.ts';
import { coachSecretsOutcome, modelEndpointOutcome } from './coach-checks.ts';
import { coachRlsTables } from './coach-rls-tables.ts';

export interface CoachDoctorOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

function openFailure(config: CoachConfig, error: unknown): CheckOutcome {
  const message = messageOf(error);
  const holder = /is in use by process (\d+)/.exec(message)?.[1];
  if (holder) {
    return fail(
      `the embedded database ${config.database.dataDir} is open in process ${holder}, the running coach (one process at a time can open it)`,
      `Stop the coach and run doctor again, or check it from outside: curl http://${config.http.host}:${config.http.port}/health; on PostgreSQL doctor runs beside the server.`,
    );
  }
  return fail(
    `cannot open the database: ${message}`,
    config.database.url
      ? 'Check DATABASE_URL / DATABASE_ADMIN_URL (host, port, user, password, database name) and that PostgreSQL is up: pg_isready -d "$DATABASE_URL".'
      : `Check that ${config.database.dataDir} is readable and writable by this user.`,
  );
}

/** The coach's operations checklist (see the lab's doctor for how the checks depend on each other). */
export function coachDoctor(config: CoachConfig, options: CoachDoctorOptions): Promise<CheckReport> {
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
          inspection = await openInspection(config.database, 'authenticator');
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
        return migrationsOutcome(status, 'coach');
      }),
    },
    {
      name: 'row-level security',
      run: needsSchema((db) => rowLevelSecurityOutcome(db.admin, 'authenticator', coachRlsTables)),
    },
    {
      name: 'runtime role',
      run: needsSchema((db) =>
        runtimeRoleOutcome(db.admin, db.runtimeLogin, 'authenticator', ['service_role']),
      ),
    },
    { name: 'secrets', run: () => coachSecretsOutcome(config, options.env) },
    { name: 'clock skew', run: needsDatabase((db) => clockSkewOutcome(db.runtimeLogin ?? db.admin)) },
    { name: 'model endpoint', run: () => modelEndpointOutcome(config) },
    {
      name: 'job schedules',
      run: needsSchema((db) => jobSchedulesOutcome(db.admin, jobSchedules, 'coach')),
    },
  ];
  return runChecks(checks, { timeoutMs: options.timeoutMs }).finally(() => inspection?.close());
}
