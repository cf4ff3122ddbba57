import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { messageOf } from '../errors.ts';

/** The two calls the migrator needs, over PGlite or a single pg client. */
export interface MigrationClient {
  /** Runs a script that may hold several statements. */
  exec(script: string): Promise<void>;
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface MigrationResult {
  applied: string[];
  skipped: number;
}

interface Migration {
  version: string;
  script: string;
  checksum: string;
}

/** Adapts a PGlite instance (connected as a superuser) for migrations. */
export function pgliteMigrationClient(client: PGlite): MigrationClient {
  return {
    exec: async (script) => {
      await client.exec(script);
    },
    query: async <T>(text: string, params: unknown[] = []) => (await client.query<T>(text, params)).rows,
  };
}

/** Adapts a pg client for migrations. */
export function pgMigrationClient(client: pg.Client): MigrationClient {
  return {
    exec: async (script) => {
      await client.query(script);
    },
    // The migration runner's own catalog reads, each typed by its caller (PGlite types rows by generic).
    query: async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[],
  };
}

async function readMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (file) => {
      const script = await readFile(join(dir, file), 'utf8');
      return {
        version: file.replace(/\.sql$/, ''),
        script,
        checksum: createHash('sha256').update(script).digest('hex'),
      };
    }),
  );
}

/**
 * Applies forward-only SQL migrations from `dir` in file-name order, one transaction per file,
 * recorded in `schema_migrations`. A session advisory lock keyed by `lockName` makes concurrent
 * instances wait instead of applying a file twice. An applied file whose content changed is an error:
 * history is never rewritten.
 */
export async function migrate(
  client: MigrationClient,
  dir: string,
  lockName: string,
): Promise<MigrationResult> {
  const migrations = await readMigrations(dir);
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockName]);
  try {
    await client.exec(`CREATE TABLE IF NOT EXISTS public.schema_migrations (
      version text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await client.query<{ version: string; checksum: string }>(
      'SELECT version, checksum FROM public.schema_migrations',
    );
    const done = new Map(rows.map((row) => [row.version, row.checksum]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const previous = done.get(migration.version);
      if (previous !== undefined) {
        if (previous !== migration.checksum) {
          throw new Error(`Migration ${migration.version} was changed after it was applied`);
        }
        continue;
      }
      await client.exec('BEGIN');
      try {
        await client.exec(migration.script);
        await client.query('INSERT INTO public.schema_migrations (version, checksum) VALUES ($1, $2)', [
          migration.version,
          migration.checksum,
        ]);
        await client.exec('COMMIT');
      } catch (error) {
        await client.exec('ROLLBACK');
        throw new Error(`Migration ${migration.version} failed: ${messageOf(error)}`, {
          cause: error,
        });
      }
      applied.push(migration.version);
    }
    return { applied, skipped: migrations.length - applied.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName]);
  }
}

/** Migrates a PostgreSQL database through a short-lived connection (the owner's, ideally). */
export async function migratePostgres(url: string, dir: string, lockName: string): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await migrate(pgMigrationClient(client), dir, lockName);
  } finally {
    await client.end();
  }
}
