import { stat } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Database, DatabaseLocation } from '../db/database.ts';
import { type MigrationClient, pgMigrationClient } from '../db/migrate.ts';
import { openPglite, pgliteDatabase } from '../db/pglite-database.ts';
import { postgresDatabase } from '../db/postgres-database.ts';

/**
 * A service's database opened for inspection WITHOUT applying migrations (a doctor that migrated
 * would hide the pending ones): the owner's connection for catalog reads, the runtime login's for
 * what the service itself sees, and the typed runtime database once the schema is known current.
 */
export interface DatabaseInspection {
  kind: 'pglite' | 'postgres';
  /** The owner (DATABASE_ADMIN_URL, else DATABASE_URL; PGlite's superuser). */
  admin: MigrationClient;
  /** The login the service uses (DATABASE_URL); on PGlite, undefined: its one login is a superuser the service leaves. */
  runtimeLogin: MigrationClient | undefined;
  /** Opens the runtime database (as the service does, minus the migrations); closed with the inspection. */
  runtimeDatabase<DB>(): Promise<Database<DB>>;
  close(): Promise<void>;
}

/**
 * Connects, trying three times when the connection times out: a check run right after a container
 * or a network came up (seen in CI's compose stack) must not report a database that is merely slow
 * to answer its first connection as unreachable. A refusal (wrong password, no such database) is
 * reported at once.
 */
async function connect(url: string): Promise<pg.Client> {
  for (let attempt = 1; ; attempt += 1) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      if (attempt >= 3 || !/timeout/i.test(String(error))) throw error;
    }
  }
}

/** Opens the location for inspection; throws what the connection answered (the caller reports it). */
export async function openInspection(
  location: DatabaseLocation,
  runtimeRole: string,
): Promise<DatabaseInspection> {
  if (location.url) {
    const url = location.url;
    const admin = await connect(location.adminUrl ?? url);
    const runtime = await connect(url).catch(async (error: unknown) => {
      await admin.end();
      throw error;
    });
    let opened: Database<unknown> | undefined;
    return {
      kind: 'postgres',
      admin: pgMigrationClient(admin),
      runtimeLogin: pgMigrationClient(runtime),
      runtimeDatabase: async <DB>() => {
        opened ??= postgresDatabase<unknown>(url, runtimeRole, 2);
        return opened as Database<DB>;
      },
      close: async () => {
        await Promise.allSettled([admin.end(), runtime.end(), opened?.close()]);
      },
    };
  }
  if (!location.dataDir.startsWith('memory://') && !(await exists(location.dataDir))) {
    // Opening would create an empty database there, and hide that the service never ran here.
    throw new Error(
      `there is no embedded database at ${location.dataDir} (the service creates it at its first start)`,
    );
  }
  const client = await openPglite(location.dataDir);
  let opened: Database<unknown> | undefined;
  return {
    kind: 'pglite',
    admin: pgliteAdmin(client),
    runtimeLogin: undefined,
    runtimeDatabase: async <DB>() => {
      opened ??= await pgliteDatabase<unknown>(client, runtimeRole);
      return opened as Database<DB>;
    },
    close: () => client.close(),
  };
}

/**
 * PGlite's one connection, as its superuser even after the runtime database switched the session to
 * the runtime role: each call runs in a transaction that takes the superuser back locally.
 */
function pgliteAdmin(client: PGlite): MigrationClient {
  return {
    exec: async (script) => {
      await client.transaction(async (tx) => {
        await tx.exec(`SET LOCAL SESSION AUTHORIZATION postgres; ${script}`);
      });
    },
    query: <T>(text: string, params: unknown[] = []) =>
      client.transaction(async (tx) => {
        await tx.exec('SET LOCAL SESSION AUTHORIZATION postgres');
        return (await tx.query<T>(text, params)).rows;
      }),
  };
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
