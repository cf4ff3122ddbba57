import { signServiceToken } from '@ours/platform/auth';
import type { HttpApp } from '@ours/platform/http';
import { sql } from 'kysely';
import type { CoachDatabase } from '../src/db/coach-database.ts';
import { serviceTokenIssuer } from '../src/modules/shared/service-role.ts';
import { asService } from './support/coach-logs.ts';
import type { FakeOpenAiServer } from './support/fake-openai-server.ts';
import { bearer, type TestUser, testJwtSecret } from './support/test-app.ts';

/** What the budget tests run the app with: small replies, no per-user rate limit in the way. */
export const budgetTestEnv = {
  LLM_MAX_TOKENS: '100',
  // PGlite runs on the test's own event loop: many requests at once can hold up the fake model's
  // answers past the usual 2 s test deadline, which would turn answers into timeouts.
  LLM_TIMEOUT_MS: '20000',
  ASK_RATE_LIMIT_PER_MINUTE: '100000',
  USER_RATE_LIMIT_PER_MINUTE: '100000',
  // Every request reads "any budget?" afresh, so a budget set straight in the database applies.
  BUDGET_CACHE_MS: '0',
};

export async function serviceHeaders(): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await signServiceToken(testJwtSecret, { issuer: serviceTokenIssuer })}` };
}

export interface Limits {
  token_limit: number | null;
  cost_limit_usd: number | null;
}

/** PUT /admin/budgets/<which> ('global', 'default' or 'users/<id>'), expecting success. */
export async function setBudget(app: HttpApp, which: string, limits: Limits): Promise<void> {
  const response = await app.inject({
    method: 'PUT',
    url: `/admin/budgets/${which}`,
    headers: await serviceHeaders(),
    payload: limits,
  });
  if (response.statusCode !== 200) throw new Error(`PUT ${which}: ${response.statusCode} ${response.body}`);
}

/** The user's row in auth.users, as their first request would make it. */
export async function register(app: HttpApp, user: TestUser): Promise<void> {
  const response = await app.inject({ method: 'GET', url: '/history', headers: bearer(user) });
  if (response.statusCode !== 200) throw new Error(`GET /history: ${response.statusCode}`);
}

export async function ask(app: HttpApp, user: TestUser, content = 'How should I train this week?') {
  const response = await app.inject({
    method: 'POST',
    url: '/ask',
    headers: bearer(user),
    payload: { messages: [{ role: 'user', content }] },
  });
  if (response.statusCode !== 200) throw new Error(`POST /ask: ${response.statusCode} ${response.body}`);
  return response.json() as { success: boolean; reason?: string; reply: string };
}

export function chatCalls(fake: FakeOpenAiServer): number {
  return fake.requests.filter((request) => request.path === '/v1/chat/completions').length;
}

export function usageOf(db: CoachDatabase, subject: string, period: string) {
  return asService(db, (tx) =>
    tx
      .selectFrom('coach_budget_usage')
      .selectAll()
      .where('subject', '=', subject)
      .where('period', '=', period)
      .executeTakeFirst(),
  );
}

export function alertsOf(db: CoachDatabase, incidentKey: string) {
  return asService(db, (tx) =>
    tx.selectFrom('operator_alerts').selectAll().where('incident_key', '=', incidentKey).execute(),
  );
}

/** No budgets, no use: each test starts from a clean slate (budgets are global state). */
export async function clearBudgets(db: CoachDatabase): Promise<void> {
  await asService(db, async (tx) => {
    await sql`delete from public.coach_budget_reservations`.execute(tx);
    await sql`delete from public.coach_budget_usage`.execute(tx);
    await sql`delete from public.coach_budgets`.execute(tx);
  });
}

/** A price for the fake's models, in force long before any test's clock. */
export async function priceModels(db: CoachDatabase, inputPerMillion: number, outputPerMillion: number) {
  await asService(db, (tx) =>
    tx
      .insertInto('model_prices')
      .values(
        ['gpt-4o', 'gpt-4o-mini'].map((model) => ({
          model,
          input_per_million: inputPerMillion,
          output_per_million: outputPerMillion,
          effective_from: '2020-01-01T00:00:00Z',
        })),
      )
      .onConflict((conflict) => conflict.columns(['model', 'effective_from']).doNothing())
      .execute(),
  );
}
