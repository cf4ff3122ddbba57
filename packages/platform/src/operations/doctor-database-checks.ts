import type { DatabaseLocation } from '../db/database.ts';
import { messageOf } from '../errors.ts';
import { type Check, type CheckOutcome, fail, pass, skip } from './check-runner.ts';
import {
  type MigrationStatus,
  migrationStatus,
  migrationsOutcome,
  rowLevelSecurityOutcome,
  runtimeRoleOutcome,
} from './database-checks.ts';
import { type DatabaseInspection, openInspection } from './database-inspection.ts';

export interface DoctorDatabaseOptions {
  database: DatabaseLocation;
  /** Where the running service listens: the fix for a locked embedded database checks it from outside. */
  http: { host: string; port: number };
  /** The service's name in fixes (`coach`, `lab`). */
  service: string;
  /** What an operator calls the running process that holds the embedded database (`coach`, `lab server`). */
  server: string;
  runtimeRole: string;
  migrationsDir: string;
  rlsTables: readonly string[];
  /** Roles the runtime login may switch into by design although they bypass RLS (see runtimeRoleOutcome). */
  bypassAllowed?: readonly string[];
}

/** A check's body that needs the opened database; it is skipped (saying why) when it is not there. */
export type DatabaseCheckRun = (db: DatabaseInspection) => Promise<CheckOutcome>;

export interface DoctorDatabaseChecks {
  /** database, migrations, row-level security, runtime role: the first lines of every doctor. */
  checks: Check[];
  /** Wraps a check that reads the database: skipped when it could not be opened. */
  needsDatabase(run: DatabaseCheckRun): () => Promise<CheckOutcome>;
  /** Wraps a check that reads the service's tables: skipped too while migrations are not current. */
  needsSchema(run: DatabaseCheckRun): () => Promise<CheckOutcome>;
  /** Closes the inspection the database check opened (if it did). */
  close(): Promise<void>;
}

/** What an embedded database locked by the running server means for doctor. */
function openFailure(options: DoctorDatabaseOptions, error: unknown): CheckOutcome {
  const { database, http, server } = options;
  const message = messageOf(error);
  const holder = /is in use by process (\d+)/.exec(message)?.[1];
  if (holder) {
    return fail(
      `the embedded database ${database.dataDir} is open in process ${holder}, the running ${server} (one process at a time can open it)`,
      `Stop the ${server} and run doctor again, or check it from outside: curl http://${http.host}:${http.port}/health; on PostgreSQL doctor runs beside the server.`,
    );
  }
  return fail(
    `cannot open the database: ${message}`,
    database.url
      ? 'Check DATABASE_URL / DATABASE_ADMIN_URL (host, port, user, password, database name) and that PostgreSQL is up: pg_isready -d "$DATABASE_URL".'
      : `Check that ${database.dataDir} is readable and writable by this user.`,
  );
}

/**
 * The database part of a service's doctor. The database is opened once, by the first check, without
 * migrating (a doctor that migrated would hide the pending migrations); the checks after it that
 * need it skip, saying why, when it could not be opened or its schema is not current.
 */
export function doctorDatabaseChecks(options: DoctorDatabaseOptions): DoctorDatabaseChecks {
  let inspection: DatabaseInspection | undefined;
  let status: MigrationStatus | undefined;
  const needsDatabase = (run: DatabaseCheckRun) => async () =>
    inspection ? run(inspection) : skip('the database could not be opened (see the database check)');
  const needsSchema = (run: DatabaseCheckRun) =>
    needsDatabase(async (db) =>
      status && status.pending.length === 0 && status.unknown.length === 0 && status.changed.length === 0
        ? run(db)
        : skip('the schema is not current (see the migrations check)'),
    );
  const { database, runtimeRole } = options;
  const checks: Check[] = [
    {
      name: 'database',
      run: async () => {
        const started = performance.now();
        try {
          inspection = await openInspection(database, runtimeRole);
        } catch (error) {
          return openFailure(options, error);
        }
        const [row] = await inspection.admin.query<{ version: string }>(
          "SELECT current_setting('server_version') AS version",
        );
        const where =
          inspection.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${database.dataDir}`;
        return pass(`${where} ${row?.version} reachable in ${Math.round(performance.now() - started)} ms`);
      },
    },
    {
      name: 'migrations',
      run: needsDatabase(async (db) => {
        status = await migrationStatus(db.admin, options.migrationsDir);
        return migrationsOutcome(status, options.service);
      }),
    },
    {
      name: 'row-level security',
      run: needsSchema((db) => rowLevelSecurityOutcome(db.admin, runtimeRole, options.rlsTables)),
    },
    {
      name: 'runtime role',
      run: needsSchema((db) =>
        runtimeRoleOutcome(db.admin, db.runtimeLogin, runtimeRole, options.bypassAllowed),
      ),
    },
  ];
  return { checks, needsDatabase, needsSchema, close: async () => inspection?.close() };
}
