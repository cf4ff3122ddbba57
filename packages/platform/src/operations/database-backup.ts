import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { DatabaseLocation } from '../db/database.ts';
import { type MigrationClient, pgliteMigrationClient } from '../db/migrate.ts';
import { openPglite } from '../db/pglite-database.ts';
import { fieldOf, messageOf } from '../errors.ts';
import type { BackupManifest, BackupRole } from './backup-manifest.ts';
import { OperationError } from './operation-error.ts';
import { dumpPostgres, referencedRoles, restorePostgres, serverMajor, tableRowCounts } from './pg-backup.ts';

/** What a database dump adds to the manifest. */
export interface DatabaseDump<State> {
  database: BackupManifest['database'];
  schemaVersion: string | null;
  tables: Record<string, number>;
  roles: BackupRole[];
  state: State;
}

async function schemaVersion(client: MigrationClient): Promise<string | null> {
  const present =
    (
      await client.query<{ present: boolean }>(
        "SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present",
      )
    )[0]?.present === true;
  if (!present) return null;
  const [row] = await client.query<{ version: string | null }>(
    'SELECT max(version) AS version FROM public.schema_migrations',
  );
  return row?.version ?? null;
}

/**
 * Dumps the service's database into `file`: `pg_dump --format=custom` through the admin URL on
 * PostgreSQL; PGlite's `dumpDataDir` (a gzipped tar of its data directory, taken while this process
 * holds the directory lock, so nothing writes meanwhile) when embedded. `readState` reads what the
 * service vouches for (in the dump's snapshot).
 */
export async function dumpDatabase<State>(
  location: DatabaseLocation,
  file: string,
  readState: (client: MigrationClient) => Promise<State>,
): Promise<DatabaseDump<State>> {
  if (location.url) {
    let version: string | null = null;
    const result = await dumpPostgres(location.adminUrl ?? location.url, file, async (client) => {
      version = await schemaVersion(client);
      return readState(client);
    });
    return {
      database: {
        engine: 'postgresql',
        method: 'pg_dump --format=custom (one snapshot with the row counts and service state)',
        server_version: result.serverVersion,
        dump_tool_version: result.toolVersion,
      },
      schemaVersion: version,
      tables: result.tables,
      roles: result.roles,
      state: result.state,
    };
  }
  const pglite = await openPglite(location.dataDir).catch((error: unknown) => {
    const holder = /is in use by process (\d+)/.exec(messageOf(error))?.[1];
    if (!holder) throw error;
    throw new OperationError(
      'DATABASE_IN_USE',
      `the embedded database ${location.dataDir} is open in process ${holder}, the running server: one process at a time can open it. Stop the server, run the backup, start it again (or move to PostgreSQL, where backups run beside the server)`,
    );
  });
  try {
    const client = pgliteMigrationClient(pglite);
    const version = await schemaVersion(client);
    const state = await readState(client);
    const tables = await tableRowCounts(client);
    const roles = await referencedRoles(client);
    const server = await serverMajor(client);
    const dump = await pglite.dumpDataDir('gzip');
    await writeFile(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    return {
      database: {
        engine: 'pglite',
        method: "PGlite dumpDataDir('gzip') of the embedded data directory",
        server_version: server.version,
        dump_tool_version: null,
      },
      schemaVersion: version,
      tables,
      roles,
      state,
    };
  } finally {
    await pglite.close();
  }
}

async function isEmptyDirectory(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0;
  } catch (error) {
    if (fieldOf(error, 'code') === 'ENOENT') return true;
    throw error;
  }
}

/**
 * Restores a dump into the EMPTY database at `location` (refused otherwise, before anything is
 * written). The engine must be the one the dump came from.
 */
export async function restoreDatabase(
  location: DatabaseLocation,
  file: string,
  manifest: BackupManifest<object>,
): Promise<{ createdRoles: string[] }> {
  const target = location.url ? 'postgresql' : 'pglite';
  if (manifest.database.engine !== target) {
    throw new OperationError(
      'RESTORE_ENGINE_MISMATCH',
      manifest.database.engine === 'pglite'
        ? 'this backup holds an embedded (PGlite) database: restore it with DATABASE_URL unset (into LAB_DATA_DIR / COACH_DATA_DIR)'
        : 'this backup holds a PostgreSQL dump: set DATABASE_URL and DATABASE_ADMIN_URL to the (empty) database to restore into',
    );
  }
  if (location.url) return restorePostgres(location.adminUrl ?? location.url, file, manifest.roles);
  if (!(await isEmptyDirectory(location.dataDir))) {
    throw new OperationError(
      'RESTORE_TARGET_NOT_EMPTY',
      `the embedded database ${location.dataDir} already exists: restore goes into an empty one only, never over data. Move it away (or point the data directory elsewhere) and run restore again`,
    );
  }
  try {
    const client = await openPglite(location.dataDir, new Blob([await readFile(file)]));
    await client.close();
  } catch (error) {
    throw new OperationError('RESTORE_FAILED', `could not load the embedded database: ${messageOf(error)}`, {
      cause: error,
    });
  }
  return { createdRoles: [] };
}

/** The restored row counts against the manifest's; returns what differs (empty when all match). */
export async function rowCountDifferences(
  client: MigrationClient,
  expected: Readonly<Record<string, number>>,
): Promise<string[]> {
  // Counted as the owner with row-level security off: an error, never a silently filtered count.
  await client.exec('SET row_security = off');
  const actual = await tableRowCounts(client);
  const names = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...names]
    .filter((name) => actual[name] !== expected[name])
    .map(
      (name) =>
        `${name}: ${actual[name] ?? 'missing'} rows, the backup had ${expected[name] ?? 'no such table'}`,
    );
}
