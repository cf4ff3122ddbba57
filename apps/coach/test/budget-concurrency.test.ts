import { waitForValue } from '@ours/platform/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CoachDatabase } from '../src/db/coach-database.ts';
import {
  ask,
  budgetTestEnv,
  chatCalls,
  clearBudgets,
  register,
  setBudget,
  usageOf,
} from './budget-helpers.ts';
import { asService } from './support/coach-logs.ts';
import {
  createUser,
  openFileDatabase,
  startTestApp,
  type TestApp,
  type TestUser,
} from './support/test-app.ts';

const december = new Date('2026-12-15T12:00:00Z');
const period = '2026-12';
// Every reply reports 100 prompt + 50 completion tokens.
const perRequest = 150;

let db: CoachDatabase;
// Two instances of the coach on one database, as a scaled-out deployment runs them.
let a: TestApp;
let b: TestApp;

beforeAll(async () => {
  db = await openFileDatabase();
  a = await startTestApp(db, budgetTestEnv);
  b = await startTestApp(db, budgetTestEnv);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await db?.close();
});
beforeEach(async () => {
  await clearBudgets(db);
  for (const instance of [a, b]) {
    instance.ctx.now = () => december;
    instance.fake.reset();
    // Slow enough that concurrent requests overlap at the model.
    instance.fake.setDefault({
      kind: 'reply',
      text: 'Keep going.',
      delayMs: 40,
      usage: { prompt_tokens: 100, completion_tokens: 50 },
    });
  }
});

async function newUser(): Promise<TestUser> {
  const user = await createUser();
  await register(a.app, user);
  return user;
}

/** The most one request may reserve: what the reservation rows of a request in flight hold. */
async function oneRequestMaximum(instance: TestApp, user: TestUser): Promise<number> {
  instance.fake.enqueue({
    kind: 'reply',
    text: 'Slow.',
    delayMs: 400,
    usage: { prompt_tokens: 1, completion_tokens: 1 },
  });
  const inFlight = ask(instance.app, user);
  const tokens = await waitForValue('a reservation', async () => {
    const row = await asService(db, (tx) =>
      tx
        .selectFrom('coach_budget_reservations')
        .select('tokens')
        .where('user_id', '=', user.id)
        .executeTakeFirst(),
    );
    return row?.tokens;
  });
  await inFlight;
  return tokens;
}

describe('concurrent requests', () => {
  it('20 at once from one user near the limit overspend by no more than one request', async () => {
    const user = await newUser();
    const limit = 1000;
    await setBudget(a.app, `users/${user.id}`, { token_limit: 100_000, cost_limit_usd: null });
    const maximum = await oneRequestMaximum(a, user);
    await clearBudgets(db);
    await setBudget(a.app, `users/${user.id}`, { token_limit: limit, cost_limit_usd: null });
    for (let i = 0; i < 5; i++) await ask(a.app, user); // 750 of 1000

    const answers = await Promise.all(Array.from({ length: 20 }, () => ask(a.app, user)));
    const answered = answers.filter((answer) => answer.success).length;
    const refused = answers.filter((answer) => answer.reason === 'budget_exhausted').length;
    expect(answered + refused).toBe(20);
    expect(refused).toBeGreaterThan(0);
    const usage = await usageOf(db, user.id, period);
    expect(usage?.tokens_reserved).toBe(0);
    expect(usage?.tokens_used).toBe((5 + answered) * perRequest);
    expect(usage?.tokens_used).toBeLessThanOrEqual(limit + maximum);
  });

  it('two instances share one budget: neither lets the pair overspend', async () => {
    await setBudget(a.app, 'global', { token_limit: 1000, cost_limit_usd: null });
    const users = await Promise.all(Array.from({ length: 10 }, () => newUser()));
    const answers = await Promise.all(users.flatMap((user) => [ask(a.app, user), ask(b.app, user)]));
    const answered = answers.filter((answer) => answer.success).length;
    expect(answers.map((answer) => answer.reason ?? 'answered')).toContain('answered');
    expect(answers.some((answer) => answer.reason === 'budget_exhausted')).toBe(true);
    const usage = await usageOf(db, 'global', period);
    expect(usage).toMatchObject({ tokens_used: answered * perRequest, tokens_reserved: 0 });
    expect(chatCalls(a.fake) + chatCalls(b.fake)).toBe(answered);
    // One request's maximum is at least the 150 tokens one request used.
    expect(usage?.tokens_used).toBeLessThanOrEqual(1000 + perRequest);

    // What one instance spent, the other refuses on.
    await setBudget(b.app, 'global', { token_limit: 1000 + 2 * perRequest, cost_limit_usd: null });
    const user = await newUser();
    const spent = usage?.tokens_used ?? 0;
    let next = await ask(a.app, user);
    while (next.success) next = await ask(b.app, user);
    expect(next.reason).toBe('budget_exhausted');
    const after = await usageOf(db, 'global', period);
    expect(after?.tokens_used).toBeGreaterThan(spent);
    expect(after?.tokens_used).toBeLessThanOrEqual(1000 + 3 * perRequest);
  });

  it('a budget lowered while requests are in flight refuses new ones; those in flight finish and count', async () => {
    const user = await newUser();
    await setBudget(a.app, `users/${user.id}`, { token_limit: 100_000, cost_limit_usd: null });
    a.fake.setDefault({
      kind: 'reply',
      text: 'Slow.',
      delayMs: 500,
      usage: { prompt_tokens: 100, completion_tokens: 50 },
    });
    const inFlight = Promise.all([ask(a.app, user), ask(a.app, user), ask(a.app, user)]);
    await waitForValue('three reservations', async () => {
      const open = await asService(db, (tx) =>
        tx.selectFrom('coach_budget_reservations').select('id').where('user_id', '=', user.id).execute(),
      );
      return open.length === 3 ? true : undefined;
    });
    await setBudget(b.app, `users/${user.id}`, { token_limit: 0, cost_limit_usd: null });
    expect((await ask(b.app, user)).reason).toBe('budget_exhausted');
    expect((await inFlight).every((answer) => answer.success)).toBe(true);
    expect(await usageOf(db, user.id, period)).toMatchObject({
      tokens_used: 3 * perRequest,
      tokens_reserved: 0,
    });

    await setBudget(b.app, `users/${user.id}`, { token_limit: 500, cost_limit_usd: null });
    expect((await ask(a.app, user)).success).toBe(true);
  });
});

describe('budgets off', () => {
  it('an instance trusts its cached "no budget" for BUDGET_CACHE_MS, and its own admin change at once', async () => {
    const cached = await startTestApp(db, { ...budgetTestEnv, BUDGET_CACHE_MS: '300000' });
    try {
      cached.ctx.now = () => december;
      const user = await newUser();
      expect((await ask(cached.app, user)).success).toBe(true);
      // Set on the other instance: this one has not looked since, so it calls the model as before.
      await setBudget(a.app, `users/${user.id}`, { token_limit: 0, cost_limit_usd: null });
      expect((await ask(a.app, user)).reason).toBe('budget_exhausted');
      expect((await ask(cached.app, user)).success).toBe(true);
      // A change through this instance's own routes applies at once.
      await setBudget(cached.app, `users/${user.id}`, { token_limit: 0, cost_limit_usd: null });
      expect((await ask(cached.app, user)).reason).toBe('budget_exhausted');
    } finally {
      await cached.close();
    }
  });

  it('with no budget, /ask records no use at all', async () => {
    const user = await newUser();
    expect((await ask(a.app, user)).success).toBe(true);
    expect(await usageOf(db, user.id, period)).toBeUndefined();
    expect(await usageOf(db, 'global', period)).toBeUndefined();
  });
});
