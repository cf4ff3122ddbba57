import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Database } from '../db/database.ts';
import { migrate, migratePostgres, pgliteMigrationClient } from '../db/migrate.ts';
import { openPglite, pgliteDatabase } from '../db/pglite-database.ts';
import { postgresDatabase } from '../db/postgres-database.ts';

/** Which engine a test run uses: PGlite by default, the real server with TEST_DB=postgres. */
export type TestBackend = 'pglite' | 'postgres';

/** Where the migrated template lives: a PGlite dump file or a PostgreSQL template database. */
export interface TestTemplate {
  backend: TestBackend;
  location: string;
}

/** Server the PostgreSQL tests use; must allow creating databases. */
export function testAdminUrl(env: Record<string, string | undefined> = process.env): string {
  return env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

function withDatabase(url: string, database: string, user?: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (user) {
    parsed.username = user;
    parsed.password = '';
  }
  return parsed.toString();
}

/** Runs one statement as the test server's administrator, on a connection of its own. */
export async function adminQuery(sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: testAdminUrl() });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

/** Migrates one template per test run (called from a Vitest global setup). */
export async function createTestTemplate(
  backend: TestBackend,
  migrationsDir: string,
  service: string,
): Promise<TestTemplate> {
  const name = `${service}_tpl_${randomBytes(4).toString('hex')}`;
  if (backend === 'postgres') {
    await adminQuery(`CREATE DATABASE ${name}`);
    await migratePostgres(withDatabase(testAdminUrl(), name), migrationsDir, `migrations:${service}`);
    return { backend, location: name };
  }
  const client = await openPglite('memory://');
  try {
    await migrate(pgliteMigrationClient(client), migrationsDir, `migrations:${service}`);
    const dump = await client.dumpDataDir('none');
    const file = join(tmpdir(), `${name}.tar`);
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
    return { backend, location: file };
  } finally {
    await client.close();
  }
}

/** Removes the template and every database cloned from it. */
export async function dropTestTemplate(template: TestTemplate): Promise<void> {
  if (template.backend === 'pglite') return rm(template.location, { force: true });
  const client = new pg.Client({ connectionString: testAdminUrl() });
  await client.connect();
  try {
    const clones = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${template.location}%`],
    );
    for (const { datname } of clones.rows)
      await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file, connected as the non-superuser runtime role. */
export async function openTestDatabase<DB>(
  template: TestTemplate,
  runtimeRole = 'authenticator',
): Promise<Database<DB>> {
  if (template.backend === 'pglite') {
    const dump = await readFile(template.location);
    const client = await openPglite('memory://', new Blob([dump]));
    return pgliteDatabase<DB>(client, runtimeRole);
  }
  const clone = await clonePostgresTemplate(template, runtimeRole);
  const db = postgresDatabase<DB>(clone.runtimeUrl, runtimeRole, 5);
  return {
    ...db,
    close: async () => {
      await db.close();
      await clone.drop();
    },
  };
}

/** A PostgreSQL copy of a template: URLs for the runtime role and the owner, and how to drop it. */
export interface TemplateClone {
  runtimeUrl: string;
  adminUrl: string;
  drop(): Promise<void>;
}

/** Copies a PostgreSQL template into a fresh database (a child process's own, for example). */
export async function clonePostgresTemplate(
  template: TestTemplate,
  runtimeRole: string,
): Promise<TemplateClone> {
  if (template.backend !== 'postgres') throw new Error('only a PostgreSQL template can be cloned');
  const name = `${template.location}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template.location}`);
  return {
    runtimeUrl: withDatabase(testAdminUrl(), name, runtimeRole),
    adminUrl: withDatabase(testAdminUrl(), name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Admin URL of a test database (for tests that must act as the table owner). */
export function testDatabaseUrl(database: string): string {
  return withDatabase(testAdminUrl(), database);
}
