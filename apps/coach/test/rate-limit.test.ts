import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoachDatabase } from '../src/db/coach-database.ts';
import { coachLogsOf } from './support/coach-logs.ts';
import { bearer, createUser, openFileDatabase, startTestApp, type TestApp } from './support/test-app.ts';

let db: CoachDatabase;
const hello = { messages: [{ role: 'user', content: 'hello' }] };
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

beforeAll(async () => {
  db = await openFileDatabase();
});
afterAll(async () => {
  await db.close();
});

async function askTimes(app: TestApp, user: { token: string }, times: number, payload: object = hello) {
  const statuses: number[] = [];
  let last: { headers: Record<string, unknown>; body: string } | undefined;
  for (let i = 0; i < times; i += 1) {
    const response = await app.app.inject({
      method: 'POST',
      url: '/ask',
      headers: bearer(user as never),
      payload,
    });
    statuses.push(response.statusCode);
    last = response;
  }
  return { statuses, last };
}

describe('per-user /ask rate limit (20 per minute)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db, { OPENAI_BASE_URL: '', OPENAI_API_KEY: '' });
  });
  afterAll(async () => t.close());

  it('answers the 21st request in a minute with 429 and Retry-After, and other users carry on', async () => {
    const user = await createUser();
    const { statuses, last } = await askTimes(t, user, 21);
    expect(statuses.slice(0, 20).every((status) => status === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(last?.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(JSON.parse(last?.body ?? '{}').error.code).toBe('rate_limited');
    // Refused requests never reach the model or the log.
    expect(await coachLogsOf(db, user.id)).toHaveLength(20);
    const other = await createUser();
    expect((await askTimes(t, other, 1)).statuses).toEqual([200]);
  });

  it('counts invalid requests too, so bad bodies cannot be used to probe for free', async () => {
    const user = await createUser();
    const { statuses } = await askTimes(t, user, 21, { messages: [] });
    expect(statuses.slice(0, 20).every((status) => status === 400)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('keys the budget on the token subject, not the IP', async () => {
    const user = await createUser();
    for (let i = 0; i < 20; i += 1) {
      await t.app.inject({
        method: 'POST',
        url: '/ask',
        headers: bearer(user),
        payload: hello,
        remoteAddress: `198.51.100.${i}`,
      });
    }
    const response = await t.app.inject({
      method: 'POST',
      url: '/ask',
      headers: bearer(user),
      payload: hello,
      remoteAddress: '198.51.100.200',
    });
    expect(response.statusCode).toBe(429);
  });
});

describe('rate limit shared through Redis', () => {
  it('shares one budget between two instances', async () => {
    const env = { OPENAI_BASE_URL: '', OPENAI_API_KEY: '', REDIS_URL: redisUrl };
    const first = await startTestApp(db, env);
    const second = await startTestApp(db, env);
    try {
      const user = await createUser();
      const a = await askTimes(first, user, 10);
      const b = await askTimes(second, user, 10);
      expect([...a.statuses, ...b.statuses].every((status) => status === 200)).toBe(true);
      expect((await askTimes(first, user, 1)).statuses).toEqual([429]);
      expect((await askTimes(second, user, 1)).statuses).toEqual([429]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
