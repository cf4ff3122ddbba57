import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoachDatabase } from '../src/db/coach-database.ts';
import { ask, budgetTestEnv, register, setBudget } from './budget-helpers.ts';
import { asService, coachLogsOf } from './support/coach-logs.ts';
import { createUser, openFileDatabase, startTestApp, type TestApp } from './support/test-app.ts';

let db: CoachDatabase;
let t: TestApp;

beforeAll(async () => {
  db = await openFileDatabase();
  // The cheap model answers; the dear one is only its fallback, so a call charged at the dearest
  // configured price instead of its own shows as ten times the cost.
  t = await startTestApp(db, {
    ...budgetTestEnv,
    OPENAI_MODEL: 'gpt-4o-mini',
    OPENAI_FALLBACK_MODEL: 'gpt-4o',
  });
  await asService(db, (tx) =>
    tx
      .insertInto('model_prices')
      .values([
        {
          model: 'gpt-4o-mini',
          input_per_million: 1,
          output_per_million: 2,
          effective_from: '2020-01-01T00:00:00Z',
        },
        {
          model: 'gpt-4o',
          input_per_million: 10,
          output_per_million: 20,
          effective_from: '2020-01-01T00:00:00Z',
        },
      ])
      .execute(),
  );
});
afterAll(async () => {
  await t?.close();
  await db?.close();
});

function budgetUseOf(subject: string) {
  return asService(db, (tx) =>
    tx
      .selectFrom('coach_budget_usage')
      .select(['tokens_used', 'cost_used_usd', 'cost_reserved_usd'])
      .where('subject', '=', subject)
      .execute(),
  );
}

describe('a cost budget prices a call as its log row was charged', () => {
  it('a dated snapshot in the answer ("gpt-4o-mini-2024-07-18") at its model price, cached tokens at the input price', async () => {
    const user = await createUser();
    await register(t.app, user);
    await setBudget(t.app, `users/${user.id}`, { token_limit: null, cost_limit_usd: 1 });
    t.fake.setDefault({
      kind: 'reply',
      text: 'Keep going.',
      usage: { prompt_tokens: 1000, completion_tokens: 500, cached_tokens: 400 },
      answeredAs: 'gpt-4o-mini-2024-07-18',
    });
    expect((await ask(t.app, user)).success).toBe(true);
    expect((await ask(t.app, user)).success).toBe(true);

    const logs = await coachLogsOf(db, user.id);
    expect(logs.map((log) => log.model)).toEqual(['gpt-4o-mini-2024-07-18', 'gpt-4o-mini-2024-07-18']);
    // 1000 prompt tokens (400 of them cached, no cached price: input price) at $1/M + 500 at $2/M.
    for (const log of logs) expect(Number(log.cost_usd)).toBeCloseTo((1000 * 1 + 500 * 2) / 1e6, 12);
    const [use] = await budgetUseOf(user.id);
    expect(Number(use?.cost_used_usd)).toBeCloseTo(
      logs.reduce((sum, log) => sum + Number(log.cost_usd), 0),
      12,
    );
    expect(Number(use?.cost_reserved_usd)).toBe(0);
    expect(Number(use?.tokens_used)).toBe(3000);
  });
});
