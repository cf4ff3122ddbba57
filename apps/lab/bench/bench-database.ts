import { randomBytes } from 'node:crypto';
import { openDatabase } from '@ours/platform/db';
import pg from 'pg';
import type { LabDatabase, LabSchema } from '../src/db/lab-database.ts';

const adminUrl = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const migrationsDir = new URL('../migrations/', import.meta.url).pathname;

function databaseUrl(name: string, user?: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  if (user) url.username = user;
  return url.toString();
}

async function admin(sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

export interface LabBenchDatabase {
  name: string;
  /** Superuser connection string to the throwaway database (bulk seeding, bench tables). */
  adminUrl: string;
  /** Opens the lab's pool as `lab_app`, exactly as the service does. */
  open: (poolSize: number) => Promise<LabDatabase>;
  drop: () => Promise<void>;
}

/** A throwaway PostgreSQL database with the lab's migrations applied, for one benchmark run. */
export async function createLabBenchDatabase(prefix: string): Promise<LabBenchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  return benchDatabase(name);
}

/**
 * A bench database kept between runs under a fixed name (seeding a million samples once, then
 * iterating on what reads them): `fresh` when this call created it; `drop` leaves it in place.
 */
export async function keptLabBenchDatabase(name: string): Promise<LabBenchDatabase & { fresh: boolean }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  let fresh = false;
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${name}`);
      fresh = true;
    }
  } finally {
    await client.end();
  }
  return { ...benchDatabase(name), fresh, drop: async () => {} };
}

function benchDatabase(name: string): LabBenchDatabase {
  const open = (poolSize: number) =>
    openDatabase<LabSchema>({
      url: databaseUrl(name, 'lab_app'),
      adminUrl: databaseUrl(name),
      dataDir: 'unused',
      poolSize,
      migrationsDir,
      service: 'lab',
      runtimeRole: 'lab_app',
    });
  return {
    name,
    adminUrl: databaseUrl(name),
    open,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** The lab server's connections to the bench database (the runtime role's backends). */
export async function labBackendPids(adminUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `select pid from pg_stat_activity where datname = current_database() and usename = 'lab_app'`,
    );
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}
