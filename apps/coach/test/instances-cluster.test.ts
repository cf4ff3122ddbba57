import { readdir } from 'node:fs/promises';
import { signUserToken } from '@ours/platform/auth';
import { rollingRestart, type ServiceInstance } from '@ours/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsDir } from '../src/create-context.ts';
import { type CoachCluster, startCoachCluster } from './support/coach-instances.ts';
import { bearer, createUser } from './support/test-app.ts';

const onServer = process.env.TEST_DB === 'postgres';

// Instances are processes: PGlite is one process's database, so this runs on PostgreSQL only.
describe.runIf(onServer)('two coach processes on one PostgreSQL database and one Redis', () => {
  let cluster: CoachCluster;
  let a: ServiceInstance;
  let b: ServiceInstance;

  beforeAll(async () => {
    cluster = await startCoachCluster({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
    [a, b] = cluster.instances;
  }, 150_000);
  afterAll(async () => cluster?.close(), 60_000);

  const moodLogs = (on: ServiceInstance, token: string) =>
    fetch(`${on.url}/mood-logs`, { headers: { authorization: `Bearer ${token}` } });

  const asOwner = async <Row extends object>(text: string) => {
    const owner = new pg.Client({ connectionString: cluster.adminUrl });
    await owner.connect();
    return owner.query<Row>(text).finally(() => owner.end());
  };

  it('started together on an empty database: each migration applied once', async () => {
    const files = (await readdir(migrationsDir)).filter((name) => name.endsWith('.sql'));
    const applied = await asOwner<{ version: string }>('SELECT version FROM schema_migrations');
    expect(applied.rows).toHaveLength(files.length);
  });

  it('accepts a token on either instance (it verifies it with the shared JWT_SECRET, no session state)', async () => {
    const user = await createUser();
    const logged = await fetch(`${a.url}/mood-logs`, {
      method: 'POST',
      headers: { ...bearer(user), 'content-type': 'application/json' },
      body: JSON.stringify({ mood: 6, stress: 3, notes: 'logged on A' }),
    });
    expect(logged.status).toBe(201);
    const onB = await moodLogs(b, user.token);
    expect(onB.status).toBe(200);
    const { items } = (await onB.json()) as { items: { notes: string }[] };
    expect(items.map((log) => log.notes)).toEqual(['logged on A']);
    // A token signed with any other secret is refused by both: the instances must share it.
    const forged = await signUserToken('another-secret-that-is-long-enough-0123456789', user);
    for (const on of [a, b]) expect((await moodLogs(on, forged)).status).toBe(401);
  });

  it('loses no request a retrying client sends through a rolling restart, and doubles no write', async () => {
    const users = await Promise.all([1, 2, 3].map(() => createUser()));
    const logged: string[] = [];
    const failures: string[] = [];
    const rolled = await rollingRestart([a, b], async (client, worker, sequence) => {
      const user = users[worker - 1] as (typeof users)[number];
      const notes = `roll-${worker}-${sequence}`;
      const write = await client.request('/mood-logs', {
        method: 'POST',
        headers: { ...bearer(user), 'content-type': 'application/json' },
        body: JSON.stringify({ mood: 5, stress: 5, notes }),
      });
      if (write.status === 201) logged.push(notes);
      else failures.push(`POST ${notes}: ${write.status} ${write.body}`);
      const read = await client.request('/mood-logs', { headers: bearer(user) });
      if (read.status !== 200) failures.push(`GET /mood-logs: ${read.status} ${read.body}`);
    });
    expect(rolled.exits).toMatchObject([
      { name: 'coach A', code: 0, signal: null },
      { name: 'coach B', code: 0, signal: null },
    ]);
    expect(failures).toEqual([]);
    const rows = await asOwner<{ notes: string }>("SELECT notes FROM mood_logs WHERE notes LIKE 'roll-%'");
    // Every acknowledged write is there once (mood logs have no natural key: a retried write that
    // had landed would show up twice), and nothing else is.
    expect(rows.rows.map((row) => row.notes).sort()).toEqual([...logged].sort());
    expect(logged.length).toBeGreaterThan(10);
    console.info(
      `coach rolling restart: ${JSON.stringify(rolled.tally)} ${JSON.stringify(rolled.exits)}, ${logged.length} mood logs written`,
    );
  }, 150_000);
});
