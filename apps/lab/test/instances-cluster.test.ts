import { randomInt } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceInstance } from '@ours/platform/testing';
import { rollingRestart } from '@ours/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsDir } from '../src/create-context.ts';
import { bearer, goodPassword, type TestAccount } from './support/lab-app.ts';
import { freshIp, type LabCluster, overHttp, startLabCluster } from './support/lab-instances.ts';
import { runFixtures, withoutApproval } from './support/run-fixtures.ts';
import { type ReceivedEvent, readEventStream } from './support/sse-client.ts';

const onServer = process.env.TEST_DB === 'postgres';
const loginPerMinute = 6;

// Instances are processes: PGlite is one process's database, so this runs on PostgreSQL only.
describe.runIf(onServer)('two lab processes on one PostgreSQL database and one Redis', () => {
  let cluster: LabCluster;
  let a: ServiceInstance;
  let b: ServiceInstance;
  const accounts = {} as { admin: TestAccount; scientist: TestAccount };

  beforeAll(async () => {
    cluster = await startLabCluster({
      LOGIN_RATE_LIMIT_PER_MINUTE: String(loginPerMinute),
      USER_RATE_LIMIT_PER_MINUTE: '100000',
    });
    [a, b] = cluster.instances;
    accounts.admin = await cluster.user(['admin'], a);
    accounts.scientist = await cluster.user(['scientist'], b);
  }, 150_000);
  afterAll(async () => cluster?.close(), 60_000);

  const call = async (
    on: ServiceInstance,
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    ip = freshIp(),
  ) => {
    const response = await fetch(`${on.url}${path}`, {
      method,
      headers: {
        'x-forwarded-for': ip,
        ...(token ? bearer(token) : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      code: text ? JSON.parse(text).error?.code : undefined,
      json: () => JSON.parse(text),
    };
  };
  const me = (on: ServiceInstance, token: string) => call(on, 'GET', '/auth/me', token);
  const refresh = (on: ServiceInstance, refresh_token: string) =>
    call(on, 'POST', '/auth/refresh', undefined, { refresh_token });

  const asOwner = async <Row extends object>(text: string) => {
    const owner = new pg.Client({ connectionString: cluster.adminUrl });
    await owner.connect();
    return owner.query<Row>(text).finally(() => owner.end());
  };

  it('started together on an empty database: each migration applied once, roles seeded', async () => {
    const files = (await readdir(migrationsDir)).filter((name) => name.endsWith('.sql'));
    const applied = await asOwner<{ version: string }>('SELECT version FROM schema_migrations');
    expect(applied.rows).toHaveLength(files.length);
    // The role defaults were seeded (once: the names are unique), so an admin could be made and signs in.
    expect(accounts.admin.roles).toContain('admin');
  });

  describe('sign-in sessions hold across instances (refresh tokens and session epochs in the database)', () => {
    it('an access token issued by A works on B, and a refresh on B rotates the pair from A', async () => {
      const user = await cluster.user([], a);
      const pair = await cluster.login(a, user.email);
      expect((await me(b, pair.access_token)).status).toBe(200);
      const rotated = await refresh(b, pair.refresh_token);
      expect(rotated.status).toBe(200);
      expect((await me(a, rotated.json().access_token)).status).toBe(200);
    });

    it('a refresh token spent on A is reuse on B: the whole family is revoked everywhere', async () => {
      const user = await cluster.user([], a);
      const first = await cluster.login(a, user.email);
      const second = (await refresh(a, first.refresh_token)).json();
      const reused = await refresh(b, first.refresh_token);
      expect(reused).toMatchObject({ status: 401, code: 'refresh_token_reused' });
      expect(await refresh(a, second.refresh_token)).toMatchObject({
        status: 401,
        code: 'invalid_refresh_token',
      });
      expect(await me(b, second.access_token)).toMatchObject({ status: 401, code: 'session_revoked' });
    });

    it('a session ended on A (logout) is refused on B, its access token included', async () => {
      const user = await cluster.user([], a);
      const pair = await cluster.login(a, user.email);
      expect(
        (await call(a, 'POST', '/auth/logout', undefined, { refresh_token: pair.refresh_token })).status,
      ).toBe(204);
      expect(await refresh(b, pair.refresh_token)).toMatchObject({
        status: 401,
        code: 'invalid_refresh_token',
      });
      expect(await me(b, pair.access_token)).toMatchObject({ status: 401, code: 'session_revoked' });
    });

    it('a password changed on A ends the other sessions on B', async () => {
      const user = await cluster.user([], a);
      const changing = await cluster.login(a, user.email);
      const other = await cluster.login(b, user.email);
      const changed = await call(a, 'POST', '/auth/password', changing.access_token, {
        current_password: goodPassword,
        new_password: 'Changed-on-A-2026!',
      });
      expect(changed.status).toBe(204);
      expect(await me(b, other.access_token)).toMatchObject({ status: 401, code: 'session_revoked' });
      expect((await refresh(b, other.refresh_token)).status).toBe(401);
      await expect(cluster.login(b, user.email)).rejects.toThrow(/401/);
      expect(
        (await me(b, (await cluster.login(b, user.email, 'Changed-on-A-2026!')).access_token)).status,
      ).toBe(200);
    });

    it('an account deactivated on A is refused on B at once', async () => {
      const user = await cluster.user([], b);
      const pair = await cluster.login(b, user.email);
      const deactivated = await call(a, 'PATCH', `/api/admin/users/${user.id}`, accounts.admin.token, {
        active: false,
        reason: 'left the lab',
      });
      expect(deactivated.status).toBe(200);
      expect((await me(b, pair.access_token)).status).toBe(401);
      expect((await refresh(b, pair.refresh_token)).status).toBe(401);
      await expect(cluster.login(b, user.email)).rejects.toThrow(/401|403|423/);
    });
  });

  it('shares the per-IP login budget through Redis: the requests to A and B count together', async () => {
    // From a range freshIp() never gives, so no other request of this run spends this budget.
    const ip = `198.19.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    const attempt = (on: ServiceInstance) =>
      call(
        on,
        'POST',
        '/auth/login',
        undefined,
        { email: 'nobody@lab.test', password: 'Wrong-password-1!' },
        ip,
      );
    const statuses: number[] = [];
    for (let i = 0; i < loginPerMinute; i += 1) statuses.push((await attempt(i % 2 === 0 ? a : b)).status);
    expect(statuses).toEqual(Array(loginPerMinute).fill(401));
    expect(await attempt(a)).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(await attempt(b)).toMatchObject({ status: 429, code: 'rate_limited' });
    // Keyed on the client behind the proxy (TRUST_PROXY), not on the proxy: others carry on.
    expect(
      (
        await call(b, 'POST', '/auth/login', undefined, {
          email: 'nobody@lab.test',
          password: 'x'.repeat(12),
        })
      ).status,
    ).toBe(401);
  });

  it('serves a certificate uploaded through A from B, off the shared data volume', async () => {
    const admin = accounts.admin.token;
    const device = await call(a, 'POST', '/api/devices', admin, {
      device_id: `CERT-${Date.now().toString(36)}`,
      name: 'balance',
      device_type: 'balance',
      calibration_interval_days: 365,
    });
    expect(device.status).toBe(201);
    const entry = await call(a, 'POST', '/api/calibration', admin, {
      device_id: device.json().id,
      result: 'pass',
    });
    expect(entry.status).toBe(201);
    const pdf = Buffer.from('%PDF-1.4\n% calibration certificate\n%%EOF\n');
    const body = new FormData();
    body.append('file', new Blob([pdf]), 'certificate.pdf');
    const url = (on: ServiceInstance) => `${on.url}/api/calibration/${entry.json().id}/certificate`;
    const uploaded = await fetch(url(a), {
      method: 'POST',
      headers: { ...bearer(admin), 'x-forwarded-for': freshIp() },
      body,
    });
    expect(uploaded.status).toBe(201);
    const downloaded = await fetch(url(b), { headers: { ...bearer(admin), 'x-forwarded-for': freshIp() } });
    expect(downloaded.status).toBe(200);
    expect(Buffer.from(await downloaded.arrayBuffer())).toEqual(pdf);
    // What an instance without the volume answers: a stable code, not a crash or an empty file.
    const stored = join(cluster.dataDir, 'certificates');
    for (const name of await readdir(stored)) await rm(join(stored, name));
    const missing = await call(b, 'GET', `/api/calibration/${entry.json().id}/certificate`, admin);
    expect(missing).toMatchObject({ status: 500, code: 'certificate_file_missing' });
  });

  it('delivers the events of a run executing on one instance to subscribers on either', async () => {
    const onA = runFixtures(
      () => overHttp(() => a.url),
      () => accounts,
    );
    const started = await onA.startedRun(withoutApproval);
    const isEnd = (event: ReceivedEvent) => event.event === 'state' && event.data.status === 'completed';
    const read = (on: ServiceInstance) =>
      readEventStream(`${on.url}/api/runs/${started.id}/events`, bearer(accounts.scientist.token), {
        until: isEnd,
        timeoutMs: 20_000,
      });
    const [there, here] = await Promise.all([read(a), read(b)]);
    for (const stream of [there, here]) {
      expect(stream.status).toBe(200);
      expect(stream.events.at(-1)).toSatisfy(isEnd);
      expect(stream.events.map((event) => Number(event.id))).toEqual(
        stream.events.map((_, index) => index + 1),
      );
    }
    // B, which never ran it, saw the same events in the same order.
    expect(here.events.map((event) => `${event.id}:${event.event}`)).toEqual(
      there.events.map((event) => `${event.id}:${event.event}`),
    );
  });

  it('loses no request a retrying client sends through a rolling restart, and doubles no write', async () => {
    // A subscriber on A to a run waiting for approval on B: when A stops, it reconnects to B.
    const toA = overHttp(() => a.url);
    const toB = overHttp(() => b.url);
    const fixtures = runFixtures(
      () => toA,
      () => accounts,
    );
    const run = await fixtures.startedRun(undefined, toB);
    await fixtures.runIn(run.id, ['waiting_for_approval']);
    const events = (on: ServiceInstance) => `${on.url}/api/runs/${run.id}/events`;
    const subscriber = bearer(accounts.scientist.token);
    const beforeRestart = readEventStream(events(a), subscriber, { timeoutMs: 60_000 });
    let afterRestart: Awaited<typeof beforeRestart> | undefined;
    const reconnect = async (back: ServiceInstance) => {
      if (back !== a) return;
      const ended = await beforeRestart;
      expect(ended.endedByServer).toBe(true);
      // As EventSource does: the same URL through the balancer (now B), after the last id seen.
      const resumed = readEventStream(
        events(b),
        { ...subscriber, 'last-event-id': String(ended.events.at(-1)?.id) },
        { until: (event) => event.event === 'state' && event.data.status === 'completed', timeoutMs: 30_000 },
      );
      const approved = await toB.inject({
        method: 'POST',
        url: `/api/runs/${run.id}/approvals/review`,
        headers: bearer(accounts.admin.token),
        payload: { password: accounts.admin.password, reason: 'peak checked' },
      });
      expect(approved.statusCode).toBe(200);
      afterRestart = await resumed;
    };

    const created: string[] = [];
    const failures: string[] = [];
    const rolled = await rollingRestart(
      [a, b],
      async (client, worker, sequence) => {
        const sampleId = `ROLL-${worker}-${sequence}`;
        const headers = {
          ...bearer(accounts.scientist.token),
          'content-type': 'application/json',
          'x-forwarded-for': freshIp(),
        };
        const write = await client.request('/api/samples', {
          method: 'POST',
          headers,
          body: JSON.stringify({ sample_id: sampleId, sample_type: 'solution', quantity: 1, unit: 'mL' }),
        });
        // A 409 here would be a write that had landed and was sent again: a doubled write.
        if (write.status === 201) created.push(sampleId);
        else failures.push(`POST ${sampleId}: ${write.status} ${write.body}`);
        const read = await client.request('/auth/me', { headers });
        if (read.status !== 200) failures.push(`GET /auth/me: ${read.status} ${read.body}`);
      },
      { onBack: reconnect },
    );
    // The subscriber saw every event of the run once, in order, across the two connections.
    const seen = [...(await beforeRestart).events, ...(afterRestart?.events ?? [])];
    expect(seen.map((event) => Number(event.id))).toEqual(seen.map((_, index) => index + 1));
    expect(seen.at(-1)?.data.status).toBe('completed');
    // Each stopped cleanly (in-flight requests answered, resources closed) and came back.
    expect(rolled.exits).toMatchObject([
      { name: 'lab A', code: 0, signal: null },
      { name: 'lab B', code: 0, signal: null },
    ]);
    expect(failures).toEqual([]);
    const rows = await asOwner<{ sample_id: string }>(
      "SELECT sample_id FROM samples WHERE sample_id LIKE 'ROLL-%'",
    );
    // Every acknowledged write is there once, and nothing else is.
    expect(rows.rows.map((row) => row.sample_id).sort()).toEqual([...created].sort());
    expect(created.length).toBeGreaterThan(10);
    console.info(
      `lab rolling restart: ${JSON.stringify(rolled.tally)} ${JSON.stringify(rolled.exits)}, ${created.length} samples written`,
    );
  }, 150_000);
});
