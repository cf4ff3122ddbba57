import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseLocation } from '../db/database.ts';
import { openPglite } from '../db/pglite-database.ts';
import { openInspection } from '../operations/database-inspection.ts';
import { emptyPostgresDatabase } from './empty-database.ts';
import { clonePostgresTemplate, type TestTemplate } from './test-database.ts';

/** A database for an operations test: the variables that point a service at it, and how to drop it. */
export interface OperationsTestDatabase {
  /** DATABASE_URL and DATABASE_ADMIN_URL on PostgreSQL; none on PGlite (the service opens `<dataDir>/pgdata`). */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A service's database for a backup, restore or doctor test, with `dataDir` (created) as its data
 * directory: a migrated copy of the template, or (`migrated: false`) a new empty one to restore into.
 * PostgreSQL databases are named after the template, so dropping the template drops them too.
 */
export async function operationsTestDatabase(
  template: TestTemplate,
  options: { dataDir: string; runtimeRole: string; migrated: boolean },
): Promise<OperationsTestDatabase> {
  await mkdir(options.dataDir, { recursive: true });
  if (template.backend === 'pglite') {
    if (options.migrated) {
      const dump = new Blob([await readFile(template.location)]);
      const client = await openPglite(join(options.dataDir, 'pgdata'), dump);
      await client.close();
    }
    return { env: {}, drop: async () => {} };
  }
  const database = options.migrated
    ? await clonePostgresTemplate(template, options.runtimeRole)
    : await emptyPostgresDatabase(`${template.location}_ops`, options.runtimeRole);
  return {
    env: { DATABASE_URL: database.runtimeUrl, DATABASE_ADMIN_URL: database.adminUrl },
    drop: database.drop,
  };
}

/** Runs SQL as the owner of a service's database (PGlite: opening its directory, so nothing else may hold it). */
export async function asDatabaseOwner(location: DatabaseLocation, script: string): Promise<void> {
  if (location.adminUrl) {
    const client = new pg.Client({ connectionString: location.adminUrl });
    await client.connect();
    await client.query(script).finally(() => client.end());
    return;
  }
  const client = await openPglite(location.dataDir);
  await client.exec(script).finally(() => client.close());
}

/**
 * The tables whose row-level security is FORCED, read from the catalog, sorted: what a test compares
 * with a service's own list (independently of the doctor's check, which reads the same list).
 */
export async function forcedRlsTables(location: DatabaseLocation, runtimeRole: string): Promise<string[]> {
  const inspection = await openInspection(location, runtimeRole);
  try {
    const rows = await inspection.admin.query<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND c.relforcerowsecurity ORDER BY 1`,
    );
    return rows.map((row) => row.name);
  } finally {
    await inspection.close();
  }
}
