import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { currentWeek, digestUser, planDigest, weekWindow } from '../src/modules/digest/digest.service.ts';
import { runDigestNow } from '../src/modules/digest/digest-runner.ts';
import { budgetTestEnv, chatCalls, clearBudgets, register, setBudget, usageOf } from './budget-helpers.ts';
import { asService, coachLogsOf } from './support/coach-logs.ts';
import { bearer, createUser, type TestUser, useTestApp } from './support/test-app.ts';

const t = useTestApp({ ...budgetTestEnv, COACH_TIMEZONE: 'Europe/London' });
const week = '2026-W47'; // Monday 16 to Sunday 22 November 2026
const note = `${Array.from({ length: 150 }, () => 'progress').join(' ')}.`;
const silent = { info() {}, warn() {}, error() {} };

beforeAll(async () => {
  await asService(t.db, (tx) =>
    tx
      .insertInto('model_prices')
      .values({
        model: 'gpt-4o',
        input_per_million: 2,
        output_per_million: 8,
        effective_from: '2020-01-01T00:00:00Z',
      })
      .execute(),
  );
});
beforeEach(async () => {
  await clearBudgets(t.db);
  t.fake.reset();
  t.fake.setDefault({ kind: 'reply', text: note, usage: { prompt_tokens: 1000, completion_tokens: 200 } });
});

/** A signed-up user who talked to the coach once in the week (the row /ask would have written). */
async function activeUser(): Promise<TestUser> {
  const user = await createUser();
  await register(t.app, user);
  await asService(t.db, async (tx) => {
    await tx.insertInto('user_profiles').values({ user_id: user.id, display_name: 'Ana' }).execute();
    await tx
      .insertInto('ai_coach_logs')
      .values({
        user_id: user.id,
        session_id: 's',
        user_message: 'Ran 5k this week',
        ai_response: 'Well done!',
        timestamp: '2026-11-18T10:00:00Z',
      })
      .execute();
  });
  return user;
}

const digestRowsOf = async (userId: string) =>
  (await coachLogsOf(t.db, userId)).filter((row) => row.source === 'digest');

describe("the weekly digest's model calls", () => {
  it('are logged as source digest, priced, and kept out of history, memory and the next week', async () => {
    const user = await activeUser();
    await runDigestNow(t.ctx, { week, trigger: 'manual', dryRun: false, concurrency: 1 });

    const [call, ...more] = await digestRowsOf(user.id);
    expect(more).toEqual([]);
    expect(call).toMatchObject({
      session_id: `weekly-digest:${week}`,
      success: true,
      model: 'gpt-4o',
      prompt_tokens: 1000,
      completion_tokens: 200,
      fallback_reason: null,
      ai_response: note,
    });
    expect(Number(call?.cost_usd)).toBeCloseTo((1000 * 2 + 200 * 8) / 1e6, 12);
    // Memory takes conversation turns only.
    expect(call?.remembered_at).not.toBeNull();

    // History is the conversation: the one /ask row, not the digest's call.
    const history = await t.app.inject({ method: 'GET', url: '/history', headers: bearer(user) });
    expect(history.json().items.map((item: { user_message: string }) => item.user_message)).toEqual([
      'Ran 5k this week',
    ]);

    // The call is logged after the week it closed: it does not make the user active in the next one.
    const next = currentWeek(new Date(call?.timestamp ?? ''), 'Europe/London');
    const plan = await planDigest(t.ctx, next, silent);
    expect(plan.pending.map((pending) => pending.userId)).not.toContain(user.id);
  });

  it("count against the user's budget, and a budget with no room skips the note without a model call", async () => {
    const user = await activeUser();
    await setBudget(t.app, `users/${user.id}`, { token_limit: 100_000, cost_limit_usd: null });
    const window = weekWindow(week, 'Europe/London');
    expect(await digestUser(t.ctx, user.id, window, silent)).toBe('written');
    const period = (
      await asService(t.db, (tx) =>
        tx
          .selectFrom('coach_budget_usage')
          .select('period')
          .where('subject', '=', user.id)
          .executeTakeFirst(),
      )
    )?.period;
    const usage = await usageOf(t.db, user.id, period ?? '');
    expect(Number(usage?.tokens_used)).toBe(1200);
    expect(Number(usage?.tokens_reserved)).toBe(0);

    const spent = await activeUser();
    await setBudget(t.app, `users/${spent.id}`, { token_limit: 0, cost_limit_usd: null });
    const calls = chatCalls(t.fake);
    expect(await digestUser(t.ctx, spent.id, window, silent)).toBe('budget_exhausted');
    expect(chatCalls(t.fake)).toBe(calls);
    expect(await digestRowsOf(spent.id)).toEqual([
      expect.objectContaining({ success: false, fallback_reason: 'budget_exhausted', model: null }),
    ]);
    const notes = await asService(t.db, (tx) =>
      tx.selectFrom('ai_coach_notes').select('id').where('user_id', '=', spent.id).execute(),
    );
    expect(notes).toEqual([]);
  });

  it('keeps a paid-for draft, flagged, when the budget has no room left for its length correction', async () => {
    const user = await activeUser();
    // The first call uses 1,200 tokens and fills the budget: the correction is refused.
    await setBudget(t.app, `users/${user.id}`, { token_limit: 1200, cost_limit_usd: null });
    t.fake.setDefault({
      kind: 'reply',
      text: 'Too short.',
      usage: { prompt_tokens: 1000, completion_tokens: 200 },
    });
    expect(await digestUser(t.ctx, user.id, weekWindow(week, 'Europe/London'), silent)).toBe('written');
    const [written] = await asService(t.db, (tx) =>
      tx.selectFrom('ai_coach_notes').select(['note', 'flags']).where('user_id', '=', user.id).execute(),
    );
    expect(written).toEqual({ note: 'Too short.', flags: ['budget_exhausted', 'word_count_2'] });
    expect((await digestRowsOf(user.id)).map((row) => row.fallback_reason)).toEqual([
      null,
      'budget_exhausted',
    ]);
  });

  it('that fail are logged with their reason, and the failure reaches the caller to retry', async () => {
    const user = await activeUser();
    t.fake.setDefault({ kind: 'fail', status: 500 });
    await expect(digestUser(t.ctx, user.id, weekWindow(week, 'Europe/London'), silent)).rejects.toThrow();
    expect(await digestRowsOf(user.id)).toEqual([
      expect.objectContaining({ success: false, fallback_reason: 'upstream_error', prompt_tokens: null }),
    ]);
  });
});
