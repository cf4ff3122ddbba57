import { signServiceToken } from '@ours/platform/auth';
import type { ServiceInstance } from '@ours/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTokenIssuer } from '../src/modules/shared/service-role.ts';
import { type CoachCluster, startCoachCluster } from './support/coach-instances.ts';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './support/fake-openai-server.ts';
import { bearer, createUser, type TestUser, testJwtSecret } from './support/test-app.ts';

const onServer = process.env.TEST_DB === 'postgres';
const perRequest = 150;

// Two coach processes (cli.ts serve) on one PostgreSQL database: the budget is enforced by the
// database, so neither process's own memory can let the pair overspend. PostgreSQL only (PGlite is
// one process's database); budget-concurrency.test.ts runs two in-process instances on both engines.
describe.runIf(onServer)('a budget shared by two coach processes', () => {
  let cluster: CoachCluster;
  let fake: FakeOpenAiServer;
  let a: ServiceInstance;
  let b: ServiceInstance;

  beforeAll(async () => {
    fake = await startFakeOpenAiServer();
    fake.setDefault({
      kind: 'reply',
      text: 'Keep going.',
      delayMs: 40,
      usage: { prompt_tokens: 100, completion_tokens: 50 },
    });
    cluster = await startCoachCluster({
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: 'sk-test',
      LLM_MAX_TOKENS: '100',
      LLM_TIMEOUT_MS: '20000',
      ASK_RATE_LIMIT_PER_MINUTE: '100000',
      USER_RATE_LIMIT_PER_MINUTE: '100000',
      BUDGET_CACHE_MS: '0',
    });
    [a, b] = cluster.instances;
  }, 150_000);
  afterAll(async () => {
    await cluster?.close();
    await fake?.close();
  }, 60_000);

  const askOn = async (instance: ServiceInstance, user: TestUser) => {
    const response = await fetch(`${instance.url}/ask`, {
      method: 'POST',
      headers: { ...bearer(user), 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'How should I train?' }] }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { success: boolean; reason?: string };
  };

  it('admits across both processes no more than the global budget and one request', async () => {
    const service = `Bearer ${await signServiceToken(testJwtSecret, { issuer: serviceTokenIssuer })}`;
    const put = await fetch(`${a.url}/admin/budgets/global`, {
      method: 'PUT',
      headers: { authorization: service, 'content-type': 'application/json' },
      body: JSON.stringify({ token_limit: 1500, cost_limit_usd: null }),
    });
    expect(put.status).toBe(200);
    const users = await Promise.all(Array.from({ length: 10 }, () => createUser()));
    const calls = () => fake.requests.filter((request) => request.path === '/v1/chat/completions').length;
    const before = calls();
    const answers = await Promise.all(
      [...users, ...users].flatMap((user) => [askOn(a, user), askOn(b, user)]),
    );
    const answered = answers.filter((answer) => answer.success).length;
    expect(answers.filter((answer) => answer.reason === 'budget_exhausted').length).toBe(40 - answered);
    expect(answered).toBeGreaterThan(0);
    expect(calls() - before).toBe(answered);

    const owner = new pg.Client({ connectionString: cluster.adminUrl });
    await owner.connect();
    try {
      const { rows } = await owner.query<{ tokens_used: string; tokens_reserved: string }>(
        "SELECT tokens_used, tokens_reserved FROM coach_budget_usage WHERE subject = 'global'",
      );
      expect(rows).toHaveLength(1);
      expect(Number(rows[0]?.tokens_used)).toBe(answered * perRequest);
      expect(Number(rows[0]?.tokens_reserved)).toBe(0);
      // One request's maximum is at least the 150 tokens one request used.
      expect(Number(rows[0]?.tokens_used)).toBeLessThanOrEqual(1500 + perRequest);
    } finally {
      await owner.end();
    }
  });
});
