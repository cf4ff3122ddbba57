import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MigrationClient, migrate, migratePostgres, pgliteMigrationClient } from '../src/db/migrate.ts';
import { openPglite } from '../src/db/pglite-database.ts';
import { testAdminUrl, testDatabaseUrl } from '../src/testing/test-database.ts';

const onServer = process.env.TEST_DB === 'postgres';
let dir: string;
let cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'migrations-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
  await rm(dir, { recursive: true, force: true });
});

/** An empty database on the backend under test, with a way to run migrations and queries. */
async function emptyDatabase(): Promise<{ run: () => Promise<unknown>; query: MigrationClient['query'] }> {
  if (!onServer) {
    const client = await openPglite('memory://');
    cleanups.push(() => client.close());
    const migrationClient = pgliteMigrationClient(client);
    return { run: () => migrate(migrationClient, dir, 'migrations:test'), query: migrationClient.query };
  }
  const name = `migrate_test_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testAdminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = testDatabaseUrl(name);
  const reader = new pg.Client({ connectionString: url });
  await reader.connect();
  cleanups.push(async () => {
    await reader.end();
    const dropper = new pg.Client({ connectionString: testAdminUrl() });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  });
  return {
    run: () => migratePostgres(url, dir, 'migrations:test'),
    query: async <T>(text: string, params: unknown[] = []) => (await reader.query(text, params)).rows as T[],
  };
}

describe('migrate', () => {
  it('applies files in name order once and records them', async () => {
    await writeFile(join(dir, '002_b.sql'), 'INSERT INTO t (v) VALUES (2);');
    await writeFile(join(dir, '001_a.sql'), 'CREATE TABLE t (v int); INSERT INTO t (v) VALUES (1);');
    const db = await emptyDatabase();
    expect(await db.run()).toEqual({ applied: ['001_a', '002_b'], skipped: 0 });
    expect(await db.run()).toEqual({ applied: [], skipped: 2 });
    expect(await db.query('SELECT v FROM t ORDER BY v')).toEqual([{ v: 1 }, { v: 2 }]);
  });

  it('rolls a failing file back whole and stops', async () => {
    await writeFile(join(dir, '001_a.sql'), 'CREATE TABLE t (v int);');
    await writeFile(join(dir, '002_bad.sql'), 'INSERT INTO t (v) VALUES (1); SELECT * FROM missing_table;');
    const db = await emptyDatabase();
    await expect(db.run()).rejects.toThrow(/002_bad failed/);
    expect(await db.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 0 }]);
    expect(await db.query('SELECT version FROM schema_migrations')).toEqual([{ version: '001_a' }]);
  });

  it('refuses to run when an applied file was edited', async () => {
    await writeFile(join(dir, '001_a.sql'), 'CREATE TABLE t (v int);');
    const db = await emptyDatabase();
    await db.run();
    await writeFile(join(dir, '001_a.sql'), 'CREATE TABLE t (v bigint);');
    await expect(db.run()).rejects.toThrow(/001_a was changed/);
  });

  it.runIf(onServer)('applies each file once when several instances start together', async () => {
    await writeFile(join(dir, '001_a.sql'), 'CREATE TABLE t (v int); SELECT pg_sleep(0.2);');
    await writeFile(join(dir, '002_b.sql'), 'INSERT INTO t (v) VALUES (1);');
    const db = await emptyDatabase();
    const results = (await Promise.all([db.run(), db.run(), db.run()])) as { applied: string[] }[];
    expect(results.flatMap((result) => result.applied).sort()).toEqual(['001_a', '002_b']);
    expect(await db.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 1 }]);
  });
});
