import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import type { Database, Orm } from './database.ts';

/** Opens (creating if needed) an embedded PGlite database with pgvector loaded. */
export async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<PGlite> {
  if (!dataDir.startsWith('memory://')) await mkdir(dirname(dataDir), { recursive: true });
  return PGlite.create(dataDir, { extensions: { vector }, ...(loadDataDir ? { loadDataDir } : {}) });
}

/**
 * Wraps a migrated PGlite as the runtime database. PGlite has one connection and it is a superuser,
 * so the session is switched to the non-superuser runtime role: row-level security then applies
 * exactly as it does on a server where the service logs in as that role.
 */
export async function pgliteDatabase(client: PGlite, runtimeRole: string): Promise<Database> {
  await client.exec(`SET SESSION AUTHORIZATION ${quoteIdent(runtimeRole)}`);
  const orm = drizzle({ client }) as unknown as Orm;
  return {
    kind: 'pglite',
    orm,
    transaction: (fn) => orm.transaction(fn),
    runScript: async <T>(script: string) => ((await client.exec(script)).at(-1)?.rows ?? []) as T[],
    ping: async () => {
      await orm.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}

/** Quotes an SQL identifier (role names come from config, never from requests). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
