import { waitForValue } from '@ours/platform/testing';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ask,
  budgetTestEnv,
  chatCalls,
  clearBudgets,
  register,
  setBudget,
  usageOf,
} from './budget-helpers.ts';
import { coachLogsOf } from './support/coach-logs.ts';
import { readSse } from './support/sse-client.ts';
import { bearer, createUser, type TestUser, useTestApp } from './support/test-app.ts';

// Each way a request can end settles its reservation: answered while streaming, abandoned by the
// client, blocked by the safety check, refused while streaming.
const t = useTestApp(budgetTestEnv);
const period = '2026-12';
let baseUrl: string;

beforeAll(async () => {
  baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
beforeEach(async () => {
  await clearBudgets(t.db);
  t.ctx.now = () => new Date('2026-12-15T12:00:00Z');
  t.fake.reset();
});

async function budgetedUser(tokenLimit: number): Promise<TestUser> {
  const user = await createUser();
  await register(t.app, user);
  await setBudget(t.app, `users/${user.id}`, { token_limit: tokenLimit, cost_limit_usd: null });
  return user;
}

function streamAsk(user: TestUser, signal?: AbortSignal) {
  return fetch(`${baseUrl}/ask`, {
    method: 'POST',
    headers: { ...bearer(user), 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Tell me a long story' }], stream: true }),
    signal,
  });
}

describe('settling on every path', () => {
  it('a streamed answer counts the usage the stream reported', async () => {
    const user = await budgetedUser(100_000);
    t.fake.setDefault({
      kind: 'stream',
      chunks: ['Reach ', 'for the ', 'sky.'],
      usage: { prompt_tokens: 70, completion_tokens: 5 },
    });
    const events = await readSse(await streamAsk(user));
    expect(events.at(-1)?.event).toBe('done');
    expect(await usageOf(t.db, user.id, period)).toMatchObject({ tokens_used: 75, tokens_reserved: 0 });
  });

  it('a client that goes away mid-stream still has its reservation released and its use counted', async () => {
    const user = await budgetedUser(100_000);
    const chunks = Array.from({ length: 20 }, (_, i) => `part${i} `);
    t.fake.setDefault({ kind: 'stream', chunks, chunkDelayMs: 100 });
    const controller = new AbortController();
    const response = await streamAsk(user, controller.signal);
    await readSse(response, (event) => event.event === 'delta').catch(() => []);
    controller.abort();
    const [log] = await waitForValue('the log row', async () => {
      const logs = await coachLogsOf(t.db, user.id);
      return logs.length > 0 ? logs : undefined;
    });
    expect(log?.fallback_reason).toBe('client_disconnected');
    const usage = await waitForValue('the settlement', async () => {
      const row = await usageOf(t.db, user.id, period);
      return row && row.tokens_reserved === 0 ? row : undefined;
    });
    // The prompt estimate and the text generated before the client left.
    expect(usage.tokens_used).toBeGreaterThan(0);
  });

  it('a reply the safety check blocks counts the tokens the model reported', async () => {
    const user = await budgetedUser(100_000);
    t.fake.setDefault({
      kind: 'reply',
      text: 'Honestly, just stop taking your medication and push through the pain.',
      usage: { prompt_tokens: 90, completion_tokens: 13 },
    });
    expect((await ask(t.app, user)).reason).toBe('safety_blocked');
    expect(await usageOf(t.db, user.id, period)).toMatchObject({ tokens_used: 103, tokens_reserved: 0 });
  });

  it('a streamed request over budget gets the budget_exhausted fallback without a model call', async () => {
    const user = await budgetedUser(0);
    const calls = chatCalls(t.fake);
    const response = await streamAsk(user);
    expect(response.status).toBe(200);
    const text = JSON.stringify(await readSse(response));
    expect(text).toContain('budget_exhausted');
    expect(chatCalls(t.fake)).toBe(calls);
    const [log] = await coachLogsOf(t.db, user.id);
    expect(log).toMatchObject({ fallback_reason: 'budget_exhausted', success: false });
  });
});
