import { randomInt } from 'node:crypto';
import { type TcpProxy, tcpProxy, waitFor } from '@ours/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLabApp } from './support/lab-app.ts';

const redis = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const loginPerMinute = 3;
// Redis is reached through a proxy this file cuts and restores: an outage without touching Redis.
const env: Record<string, string> = { LOGIN_RATE_LIMIT_PER_MINUTE: String(loginPerMinute) };
let proxy: TcpProxy;
beforeAll(async () => {
  proxy = await tcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
  env.REDIS_URL = `redis://127.0.0.1:${proxy.port}`;
});
const lab = useLabApp(env);
afterAll(async () => proxy?.close());

/** A client address no other test run uses this minute (TEST-NET-3), so the budget starts full. */
const clientIp = () => `203.0.113.${randomInt(1, 255)}`;

async function timedLogin(remoteAddress: string) {
  const started = Date.now();
  const response = await lab.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { email: 'nobody@lab.test', password: 'Wrong-password-1!' },
    remoteAddress,
  });
  return { status: response.statusCode, ms: Date.now() - started };
}

describe('the shared rate-limit store (Redis) goes away and comes back', () => {
  it('keeps answering at once while Redis is unreachable: limits lapse, /health names Redis but stays up', async () => {
    await proxy.cut();
    await waitFor(() => lab.ctx.redis?.status !== 'ready', 5_000, 'the client to notice the outage');
    const ip = clientIp();
    const attempts = [];
    for (let i = 0; i <= loginPerMinute + 1; i += 1) attempts.push(await timedLogin(ip));
    // Nothing waits on Redis: no request is held up by the outage...
    for (const attempt of attempts) expect(attempt.ms).toBeLessThan(1_000);
    // ...and the budget is not enforced meanwhile (the account lockout still is).
    expect(attempts.map((attempt) => attempt.status)).toEqual(Array(loginPerMinute + 2).fill(401));
    const started = Date.now();
    const health = await lab.app.inject({ method: 'GET', url: '/health' });
    expect(Date.now() - started).toBeLessThan(1_000);
    // Reported, but not a failed probe: the service serves on without it.
    expect(health.statusCode).toBe(200);
    expect(health.json().checks).toMatchObject({ database: { ok: true }, redis: { ok: false } });
  });

  it('does not wait longer than a second on a Redis that stopped answering', async () => {
    await proxy.restore();
    await waitFor(() => lab.ctx.redis?.status === 'ready', 10_000, 'the client to reconnect');
    proxy.stall();
    const ip = clientIp();
    for (let i = 0; i < 2; i += 1) {
      const attempt = await timedLogin(ip);
      expect(attempt.status).toBe(401);
      expect(attempt.ms).toBeLessThan(3_000);
    }
  });

  it('enforces the shared budget again once Redis is back', async () => {
    await proxy.restore();
    await waitFor(() => lab.ctx.redis?.status === 'ready', 10_000, 'the client to reconnect');
    const ip = clientIp();
    const statuses = [];
    for (let i = 0; i <= loginPerMinute; i += 1) statuses.push((await timedLogin(ip)).status);
    expect(statuses).toEqual([...Array(loginPerMinute).fill(401), 429]);
    expect((await lab.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
