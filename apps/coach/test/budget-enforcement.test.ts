import { waitForValue } from '@ours/platform/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CoachDatabase } from '../src/db/coach-database.ts';
import { type JobEngine, startJobEngine } from '../src/modules/jobs/job-engine.ts';
import {
  alertsOf,
  ask,
  budgetTestEnv,
  chatCalls,
  clearBudgets,
  priceModels,
  register,
  serviceHeaders,
  setBudget,
  usageOf,
} from './budget-helpers.ts';
import { asService, coachLogsOf } from './support/coach-logs.ts';
import { type FakeWebhookServer, startFakeWebhookServer } from './support/fake-webhook-server.ts';
import {
  createUser,
  openFileDatabase,
  startTestApp,
  type TestApp,
  type TestUser,
} from './support/test-app.ts';

const december = new Date('2026-12-15T12:00:00Z');
const period = '2026-12';
// Every reply reports 100 prompt + 50 completion tokens: 150 a request.
const perRequest = 150;

let db: CoachDatabase;
let hook: FakeWebhookServer;
let t: TestApp;
let engine: JobEngine;

beforeAll(async () => {
  db = await openFileDatabase();
  hook = await startFakeWebhookServer();
  // Requests here come one at a time: the usual short deadline keeps the timeout test quick.
  t = await startTestApp(db, { ...budgetTestEnv, LLM_TIMEOUT_MS: '2000', ALERT_WEBHOOK_URL: hook.url });
  engine = await startJobEngine(t.ctx, pino({ level: 'silent' }), {
    workers: true,
    alertRetryDelaySeconds: 1,
  });
  t.ctx.jobs = engine;
  await priceModels(db, 10, 20);
});
afterAll(async () => {
  t.ctx.jobs = undefined;
  await engine?.stop();
  await t?.close();
  await hook?.close();
  await db?.close();
});
beforeEach(async () => {
  await clearBudgets(db);
  t.ctx.now = () => december;
  t.fake.reset();
  t.fake.setDefault({
    kind: 'reply',
    text: 'Keep going.',
    usage: { prompt_tokens: 100, completion_tokens: 50 },
  });
});

async function newUser(): Promise<TestUser> {
  const user = await createUser();
  await register(t.app, user);
  return user;
}

describe('a user token budget', () => {
  it('answers until the budget is spent, then a budget_exhausted fallback without a model call, logged', async () => {
    const user = await newUser();
    await setBudget(t.app, `users/${user.id}`, { token_limit: 400, cost_limit_usd: null });

    for (let i = 0; i < 3; i++) expect((await ask(t.app, user)).success).toBe(true);
    expect(await usageOf(db, user.id, period)).toMatchObject({
      tokens_used: 3 * perRequest,
      tokens_reserved: 0,
    });

    const calls = chatCalls(t.fake);
    const refused = await ask(t.app, user);
    expect(refused).toMatchObject({ success: false, fallback: true, reason: 'budget_exhausted' });
    expect(refused.reply).toMatch(/limit/);
    expect(chatCalls(t.fake)).toBe(calls);

    const logs = await coachLogsOf(db, user.id);
    expect(logs).toHaveLength(4);
    expect(logs.at(-1)).toMatchObject({ success: false, fallback_reason: 'budget_exhausted', model: null });
    expect(await usageOf(db, user.id, period)).toMatchObject({
      tokens_used: 3 * perRequest,
      tokens_reserved: 0,
    });
  });

  it('warns at 80% once and says when it is spent once, through the webhook', async () => {
    const user = await newUser();
    await setBudget(t.app, `users/${user.id}`, { token_limit: 1000, cost_limit_usd: null });
    const threshold = `budget-threshold:${user.id}:${period}`;
    const exhausted = `budget-exhausted:${user.id}:${period}`;

    for (let i = 0; i < 5; i++) await ask(t.app, user); // 750: 75%
    expect(await alertsOf(db, threshold)).toHaveLength(0);
    await ask(t.app, user); // 900: 90%
    await ask(t.app, user); // 1050: spent
    await ask(t.app, user); // refused
    await ask(t.app, user); // refused again

    const [warning] = await alertsOf(db, threshold);
    expect(await alertsOf(db, threshold)).toHaveLength(1);
    expect(warning).toMatchObject({ kind: 'budget_threshold' });
    expect(await alertsOf(db, exhausted)).toHaveLength(1);
    const texts = await waitForValue('both alerts delivered', () => {
      const found = hook.deliveries.map((delivery) => String(delivery.body.text ?? delivery.body.content));
      const mine = found.filter((text) => text.includes(user.id));
      return mine.length >= 2 ? mine : undefined;
    });
    expect(texts.some((text) => text.includes('over 80% used') && text.includes('of 1000 tokens'))).toBe(
      true,
    );
    expect(texts.some((text) => text.includes('is spent'))).toBe(true);
    expect(texts.filter((text) => text.includes(user.id))).toHaveLength(2);
  });

  it('lifts the block at once when the budget is raised, and in the next month', async () => {
    const user = await newUser();
    await setBudget(t.app, `users/${user.id}`, { token_limit: 200, cost_limit_usd: null });
    await ask(t.app, user);
    await ask(t.app, user);
    expect((await ask(t.app, user)).reason).toBe('budget_exhausted');

    await setBudget(t.app, `users/${user.id}`, { token_limit: 1000, cost_limit_usd: null });
    expect((await ask(t.app, user)).success).toBe(true);

    await setBudget(t.app, `users/${user.id}`, { token_limit: 300, cost_limit_usd: null });
    expect((await ask(t.app, user)).reason).toBe('budget_exhausted');
    // One minute into January in London: a new period, a fresh budget.
    t.ctx.now = () => new Date('2027-01-01T00:01:00Z');
    expect((await ask(t.app, user)).success).toBe(true);
    expect(await usageOf(db, user.id, '2027-01')).toMatchObject({ tokens_used: perRequest });
    expect(await usageOf(db, user.id, period)).toMatchObject({ tokens_used: 3 * perRequest });
  });

  it("takes the period from COACH_TIMEZONE: London's January starts at midnight UTC, not earlier", async () => {
    const user = await newUser();
    await setBudget(t.app, `users/${user.id}`, { token_limit: 100, cost_limit_usd: null });
    t.ctx.now = () => new Date('2026-12-31T23:59:00Z');
    await ask(t.app, user);
    expect((await ask(t.app, user)).reason).toBe('budget_exhausted');
    t.ctx.now = () => new Date('2027-01-01T00:00:00Z');
    expect((await ask(t.app, user)).success).toBe(true);
  });
});

describe('a cost budget', () => {
  it('counts each call at its model price and refuses once the dollars are spent', async () => {
    // 100 prompt tokens at $10/M + 50 completion tokens at $20/M = $0.002 a request.
    const user = await newUser();
    await setBudget(t.app, `users/${user.id}`, { token_limit: null, cost_limit_usd: 0.005 });
    await ask(t.app, user);
    await ask(t.app, user);
    expect(await alertsOf(db, `budget-threshold:${user.id}:${period}`)).toHaveLength(1);
    await ask(t.app, user);
    const usage = await usageOf(db, user.id, period);
    expect(usage?.cost_used_usd).toBeCloseTo(0.006, 10);
    expect(usage?.cost_reserved_usd).toBe(0);
    const calls = chatCalls(t.fake);
    expect((await ask(t.app, user)).reason).toBe('budget_exhausted');
    expect(chatCalls(t.fake)).toBe(calls);
  });
});

describe('the default and the global budget', () => {
  it('holds every user without a budget of their own to the default; a user budget overrides it', async () => {
    await setBudget(t.app, 'default', { token_limit: 300, cost_limit_usd: null });
    const governed = await newUser();
    const exempt = await newUser();
    await setBudget(t.app, `users/${exempt.id}`, { token_limit: null, cost_limit_usd: null });
    for (let i = 0; i < 2; i++) await ask(t.app, governed);
    expect((await ask(t.app, governed)).reason).toBe('budget_exhausted');
    for (let i = 0; i < 3; i++) expect((await ask(t.app, exempt)).success).toBe(true);

    // Without their own row, the default governs the exempt user again (450 used > 300).
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/admin/budgets/users/${exempt.id}`,
      headers: await serviceHeaders(),
    });
    expect(removed.statusCode).toBe(204);
    expect((await ask(t.app, exempt)).reason).toBe('budget_exhausted');
    // A new user meets the default at once.
    expect((await ask(t.app, await newUser())).success).toBe(true);
  });

  it('holds all users together to the global budget', async () => {
    await setBudget(t.app, 'global', { token_limit: 450, cost_limit_usd: null });
    const users = [await newUser(), await newUser(), await newUser()];
    for (const user of users) expect((await ask(t.app, user)).success).toBe(true);
    const calls = chatCalls(t.fake);
    expect((await ask(t.app, await newUser())).reason).toBe('budget_exhausted');
    expect(chatCalls(t.fake)).toBe(calls);
    expect(await alertsOf(db, `budget-exhausted:global:${period}`)).toHaveLength(1);
    expect(await usageOf(db, 'global', period)).toMatchObject({ tokens_used: 450, tokens_reserved: 0 });
  });
  it('a global refusal leaves nothing reserved on the user counter it had already reserved on', async () => {
    await setBudget(t.app, 'default', { token_limit: 100_000, cost_limit_usd: null });
    await setBudget(t.app, 'global', { token_limit: 300, cost_limit_usd: null });
    const user = await newUser();
    await ask(t.app, user);
    await ask(t.app, user);
    expect((await ask(t.app, user)).reason).toBe('budget_exhausted');
    expect(await usageOf(db, user.id, period)).toMatchObject({ tokens_used: 300, tokens_reserved: 0 });
    expect(await usageOf(db, 'global', period)).toMatchObject({ tokens_used: 300, tokens_reserved: 0 });
    const open = await asService(db, (tx) =>
      tx.selectFrom('coach_budget_reservations').select('id').where('user_id', '=', user.id).execute(),
    );
    expect(open).toHaveLength(0);
  });
});

describe('failure paths settle what was used', () => {
  it('a failed model call releases its reservation and counts the prompt it sent', async () => {
    const user = await newUser();
    await setBudget(t.app, `users/${user.id}`, { token_limit: 100_000, cost_limit_usd: null });
    t.fake.enqueue({ kind: 'fail', status: 500 }, { kind: 'fail', status: 500 });
    expect((await ask(t.app, user)).reason).toBe('upstream_error');
    const usage = await usageOf(db, user.id, period);
    expect(usage?.tokens_reserved).toBe(0);
    // No usage reported: the estimated prompt is counted (the provider may have charged it).
    expect(usage?.tokens_used).toBeGreaterThan(0);
  });

  it('a timed-out call releases its reservation too', async () => {
    const user = await newUser();
    await setBudget(t.app, `users/${user.id}`, { token_limit: 100_000, cost_limit_usd: null });
    t.fake.setDefault({ kind: 'hang' });
    expect((await ask(t.app, user)).reason).toBe('timeout');
    expect(await usageOf(db, user.id, period)).toMatchObject({ tokens_reserved: 0 });
  });

  it("a crashed process's reservation stops blocking once it expires", async () => {
    const user = await newUser();
    await setBudget(t.app, `users/${user.id}`, { token_limit: 1000, cost_limit_usd: null });
    // A reservation nobody will settle, as a process that died mid-request leaves it.
    await asService(db, async (tx) => {
      await tx
        .insertInto('coach_budget_usage')
        .values({ subject: user.id, period, user_id: user.id, tokens_reserved: 5000 })
        .execute();
      await tx
        .insertInto('coach_budget_reservations')
        .values({
          user_id: user.id,
          period,
          tokens: 5000,
          cost_usd: 0,
          expires_at: '2026-12-15T12:01:30Z',
          counts_user: true,
          counts_global: false,
        })
        .execute();
    });
    expect((await ask(t.app, user)).reason).toBe('budget_exhausted');
    t.ctx.now = () => new Date('2026-12-15T12:05:00Z');
    expect((await ask(t.app, user)).success).toBe(true);
    expect(await usageOf(db, user.id, period)).toMatchObject({ tokens_used: perRequest, tokens_reserved: 0 });
  });
});
