import { signServiceToken } from '@ours/platform/auth';
import { startJobQueue } from '@ours/platform/jobs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoachDatabase } from '../src/db/coach-database.ts';
import { serviceTokenIssuer } from '../src/modules/shared/service-role.ts';
import { runUsageRollup, startUsageRollups } from '../src/modules/usage/index.ts';
import { asService } from './support/coach-logs.ts';
import {
  createUser,
  openFileDatabase,
  startTestApp,
  type TestApp,
  testJwtSecret,
} from './support/test-app.ts';

const silent = pino({ level: 'silent' });
let db: CoachDatabase;
let t: TestApp;
let service: { authorization: string };
let userId: string;

const logAt = (timestamp: string, prompt: number) =>
  asService(db, (tx) =>
    tx
      .insertInto('ai_coach_logs')
      .values({
        user_id: userId,
        session_id: 's',
        user_message: 'm',
        ai_response: 'r',
        model: 'm',
        prompt_tokens: prompt,
        completion_tokens: 0,
        latency_ms: 100,
        timestamp,
      })
      .execute(),
  );
const topUser = async (from: string, to: string) => {
  const response = await t.app.inject({
    method: 'GET',
    url: `/admin/usage?from=${from}&to=${to}`,
    headers: service,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().top_users[0];
};

beforeAll(async () => {
  db = await openFileDatabase();
  t = await startTestApp(db, { COACH_TIMEZONE: 'UTC' });
  service = {
    authorization: `Bearer ${await signServiceToken(testJwtSecret, { issuer: serviceTokenIssuer })}`,
  };
  const user = await createUser();
  userId = user.id;
  await asService(db, (tx) =>
    tx.insertInto('auth.users').values({ id: user.id, email: user.email }).execute(),
  );
  // Active in January 2025, idle for over a year (dropped from the running totals), back in 2026.
  await logAt('2025-01-10T10:00:00Z', 100);
  await logAt('2025-01-10T11:00:00Z', 10);
  await logAt('2026-02-01T10:00:00Z', 1);
  t.ctx.now = () => new Date('2026-02-03T00:30:00Z');
  await runUsageRollup(t.ctx, silent);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await db?.close();
});

describe('per-user running totals', () => {
  it('counts a range from the totals at its ends', async () => {
    expect(await topUser('2025-01-05', '2026-01-05')).toMatchObject({ requests: 2, total_tokens: 110 });
    expect(await topUser('2025-01-11', '2026-01-05')).toBeUndefined();
  });

  it('never subtracts totals from before a user was dropped from totals after it', async () => {
    // The day before the range still carries the 2025 totals; the range's end has a new run.
    expect(await topUser('2026-01-10', '2026-02-03')).toMatchObject({ requests: 1, total_tokens: 1 });
    expect(await topUser('2026-01-20', '2026-02-03')).toMatchObject({ requests: 1, total_tokens: 1 });
  });

  it('keeps no totals older than the longest range', async () => {
    const oldest = await asService(db, (tx) =>
      tx
        .selectFrom('usage_user_totals')
        .select(({ fn }) => fn.min('day').as('day'))
        .executeTakeFirst(),
    );
    expect(String(oldest?.day) >= '2025-01-31').toBe(true);
  });
});

describe('the rollup job', () => {
  it('is scheduled every minute on a singleton queue', async () => {
    const boss = await startJobQueue(db, {
      applicationName: 'usage-test',
      schedule: false,
      supervise: false,
    });
    try {
      await startUsageRollups(boss, t.ctx, { ...silent, warn: () => {}, error: () => {} }, true);
      const schedules = await boss.getSchedules();
      expect(schedules.find((s) => s.name === 'usage-rollup')).toMatchObject({ cron: '* * * * *' });
      expect(await boss.getQueue('usage-rollup')).toMatchObject({ policy: 'singleton' });
    } finally {
      await boss.stop({ graceful: false, timeout: 1_000 });
    }
  });
});
