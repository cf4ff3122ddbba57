import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely, PGliteDialect, sql } from 'kysely';
import { fieldOf } from '../errors.ts';
import { tracedDialect } from '../telemetry/db-tracing.ts';
import type { Database } from './database.ts';
import { listenOnPglite } from './notifications.ts';
import { oneTripExecutors } from './one-trip.ts';
import { quoteIdent } from './sql-literal.ts';
import { runTransaction } from './transaction.ts';
import { valueParsers } from './type-parsers.ts';

/**
 * Opens (creating if needed) an embedded PGlite database with pgvector and btree_gist loaded and the
 * shared value parsers installed. A directory can only be opened by one process at a time (two would
 * corrupt it), which a pid lock file beside it enforces.
 */
export async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<PGlite> {
  const options = {
    extensions: { vector, btree_gist },
    parsers: valueParsers,
    ...(loadDataDir ? { loadDataDir } : {}),
  };
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
      if (fieldOf(error, 'code') !== 'EEXIST') throw error;
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
    return fieldOf(error, 'code') === 'EPERM';
  }
}

/**
 * Wraps a migrated PGlite as the runtime database. PGlite has one connection and it is a superuser,
 * so the session is switched to the non-superuser runtime role: row-level security then applies
 * exactly as it does on a server where the service logs in as that role.
 */
export async function pgliteDatabase<DB>(client: PGlite, runtimeRole: string): Promise<Database<DB>> {
  // UTC, as the server pool's sessions are (see postgres-database.ts).
  await client.exec(`SET TIME ZONE 'UTC'; SET SESSION AUTHORIZATION ${quoteIdent(runtimeRole)}`);
  const kysely = new Kysely<DB>({ dialect: tracedDialect(new PGliteDialect({ pglite: client })) });
  const runScript = async (script: string) => {
    const last = (await client.exec(script)).at(-1);
    return { rows: last?.rows ?? [], affected: last?.affectedRows };
  };
  return {
    kind: 'pglite',
    connection: { kind: 'pglite', client },
    kysely,
    transaction: (fn, options) => runTransaction(kysely, fn, options),
    withSettings: oneTripExecutors<DB>(runScript),
    // One embedded connection with no planning cost worth caching: the query as it is.
    prepared: (_name, query) => kysely.executeQuery(query).then((result) => [...result.rows]),
    listen: (channel, handlers) => listenOnPglite(client, channel, handlers),
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    // The PGlite instance outlives the Kysely wrapper's own bookkeeping: closing it is the close.
    close: () => client.close(),
  };
}
