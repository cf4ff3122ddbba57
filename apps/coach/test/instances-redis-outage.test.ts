import { type TcpProxy, tcpProxy, waitFor } from '@ours/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createUser, type TestUser, useTestApp } from './support/test-app.ts';

const redis = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const perMinute = 3;
// Redis is reached through a proxy this file cuts and restores: an outage without touching Redis.
const env: Record<string, string> = { USER_RATE_LIMIT_PER_MINUTE: String(perMinute) };
let proxy: TcpProxy;
beforeAll(async () => {
  proxy = await tcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
  env.REDIS_URL = `redis://127.0.0.1:${proxy.port}`;
});
const t = useTestApp(env);
afterAll(async () => proxy?.close());

async function timedRead(user: TestUser) {
  const started = Date.now();
  const response = await t.app.inject({ method: 'GET', url: '/mood-logs', headers: bearer(user) });
  return { status: response.statusCode, ms: Date.now() - started };
}

describe('the shared rate-limit store (Redis) goes away and comes back', () => {
  it('answers at once while Redis is unreachable or stalled, then enforces the budget again', async () => {
    await waitFor(() => t.ctx.redis?.status === 'ready', 10_000, 'the client to connect');
    await proxy.cut();
    await waitFor(() => t.ctx.redis?.status !== 'ready', 5_000, 'the client to notice the outage');
    const user = await createUser();
    const during = [];
    for (let i = 0; i <= perMinute + 1; i += 1) during.push(await timedRead(user));
    expect(during.map((read) => read.status)).toEqual(Array(perMinute + 2).fill(200));
    for (const read of during) expect(read.ms).toBeLessThan(1_000);
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    // Reported, but not a failed probe: the service serves on without it.
    expect(health.statusCode).toBe(200);
    expect(health.json().checks).toMatchObject({ database: { ok: true }, redis: { ok: false } });

    await proxy.restore();
    await waitFor(() => t.ctx.redis?.status === 'ready', 10_000, 'the client to reconnect');
    proxy.stall();
    const stalled = await timedRead(await createUser());
    expect(stalled.status).toBe(200);
    expect(stalled.ms).toBeLessThan(3_000);
    await proxy.restore();

    const after = await createUser();
    const statuses = [];
    for (let i = 0; i <= perMinute; i += 1) statuses.push((await timedRead(after)).status);
    expect(statuses).toEqual([...Array(perMinute).fill(200), 429]);
  });
});
