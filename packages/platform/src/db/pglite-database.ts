import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { vector } from '@electric-sql/pglite-pgvector';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import type { Database, Orm } from './database.ts';

/**
 * Opens (creating if needed) an embedded PGlite database with pgvector and btree_gist loaded. A
 * directory can only be opened by one process at a time (two would corrupt it), which a pid lock
 * file beside it enforces.
 */
export async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<PGlite> {
  const options = { extensions: { vector, btree_gist }, ...(loadDataDir ? { loadDataDir } : {}) };
  if (dataDir.startsWith('memory://')) return PGlite.create(dataDir, options);
  await mkdir(dirname(dataDir), { recursive: true });
  const release = await lockDirectory(`${dataDir}.lock`);
  try {
    const client = await PGlite.create(dataDir, options);
    const close = client.close.bind(client);
    client.close = async () => {
      await close();
      await release();
    };
    return client;
  } catch (error) {
    await release();
    throw error;
  }
}

async function lockDirectory(lockFile: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: 'wx' });
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(lockFile, 'utf8').catch(() => '0'));
      if (holder && isAlive(holder)) {
        throw new Error(
          `The embedded database ${lockFile.replace(/\.lock$/, '')} is in use by process ${holder}: stop it first (or use the running service's admin API)`,
        );
      }
      // A lock left by a process that died: take it over.
      await rm(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
    connection: { kind: 'pglite', client },
    orm,
    transaction: (fn) => orm.transaction(fn),
    runScript: async <T>(script: string) => ((await client.exec(script)).at(-1)?.rows ?? []) as T[],
    // One embedded connection with no planning cost worth caching: a plain parameterised query.
    prepared: async <T>(_name: string, text: string, values: unknown[]) =>
      (await client.query<T>(text, values)).rows,
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
