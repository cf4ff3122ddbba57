import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { labBackendPids } from './bench-database.ts';
import { type LabClient, signIn } from './lab-client.ts';

/** One lab under test: a tree's own code, its own database and server, two signed-in scientists. */
export interface BenchSide {
  label: string;
  url: string;
  pid: number;
  adminUrl: string;
  /** A scientist of the default lab, and one of a second lab. */
  labA: LabClient;
  labB: LabClient;
  /** The PostgreSQL backends serving this side's database now (its server's pool connections). */
  backendPids: () => Promise<number[]>;
  close: () => Promise<void>;
}

const password = 'Lab-Bench-2026!';
const secondLabId = '00000000-0000-4000-8000-0000000000b2';
let sideNumber = 0;

interface TreeModules {
  createLabBenchDatabase: (prefix: string) => Promise<{
    adminUrl: string;
    open: (poolSize: number) => Promise<{
      transaction: <T>(fn: (tx: unknown) => Promise<T>) => Promise<T>;
      close: () => Promise<void>;
    }>;
    drop: () => Promise<void>;
  }>;
  startLabServer: (
    adminUrl: string,
    poolSize: number,
  ) => Promise<{ url: string; pid: number; stop: () => Promise<void> }>;
}

const load = async <T>(dir: string, file: string): Promise<T> =>
  (await import(join(dir, 'apps/lab', file))) as T;

/**
 * Creates the bench accounts with the tree's own code: through its `bench-users.ts` where it has one,
 * else through `createUser(tx, user, actor)` as the commits before it did.
 */
async function createScientist(
  dir: string,
  database: Awaited<ReturnType<TreeModules['createLabBenchDatabase']>>,
  email: string,
  labs: string[],
): Promise<void> {
  const account = { email, full_name: 'Bench Scientist', roles: ['scientist'], labs };
  if (existsSync(join(dir, 'apps/lab/bench/bench-users.ts'))) {
    const { createBenchUsers } = await load<{
      createBenchUsers: (db: unknown, accounts: unknown[]) => Promise<unknown>;
    }>(dir, 'bench/bench-users.ts');
    await createBenchUsers(database, [account]);
    return;
  }
  const { createUser } = await load<{
    createUser: (tx: unknown, user: unknown, actor: unknown) => Promise<unknown>;
  }>(dir, 'src/modules/accounts/accounts.service.ts');
  const system = { actor_id: null, actor_email: 'system:bench', request_id: null, client_ip: null };
  const db = await database.open(2);
  try {
    await db.transaction((tx) => createUser(tx, { ...account, password }, system));
  } finally {
    await db.close();
  }
}

/** A second lab next to the default one, written as the superuser (setup, not what is measured). */
async function addSecondLab(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('begin');
    // Setup only: the coverage triggers (where the tree has them) want an audit entry for the lab.
    await client.query('set local session_replication_role = replica');
    await client.query(
      `insert into labs (id, organization_id, code, name)
       select $1, organization_id, 'BENCH-B', 'Bench lab B' from labs limit 1`,
      [secondLabId],
    );
    await client.query('commit');
  } finally {
    await client.end();
  }
}

/** Starts `label`'s lab from the tree at `dir` on a fresh database of its own. */
export async function startSide(label: string, dir: string, poolSize: number): Promise<BenchSide> {
  const { createLabBenchDatabase } = await load<TreeModules>(dir, 'bench/bench-database.ts');
  const { startLabServer } = await load<TreeModules>(dir, 'bench/lab-server.ts');
  const database = await createLabBenchDatabase(`lab_writes_${sideNumber++}`);
  try {
    await createScientist(dir, database, 'a@bench.test', ['00000000-0000-4000-8000-000000000001']);
    await addSecondLab(database.adminUrl);
    await createScientist(dir, database, 'b@bench.test', [secondLabId]);
    const server = await startLabServer(database.adminUrl, poolSize);
    // One after the other: two password hashes at once can trip the server's load shedding.
    const labA = await signIn(server.url, 'a@bench.test', password);
    const labB = await signIn(server.url, 'b@bench.test', password);
    return {
      label,
      url: server.url,
      pid: server.pid,
      adminUrl: database.adminUrl,
      labA,
      labB,
      backendPids: () => labBackendPids(database.adminUrl),
      close: async () => {
        await server.stop();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
