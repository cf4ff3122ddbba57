import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ask, budgetTestEnv, clearBudgets, register, serviceHeaders, setBudget } from './budget-helpers.ts';
import { bearer, createUser, type TestUser, useTestApp } from './support/test-app.ts';

const t = useTestApp(budgetTestEnv);
let service: { authorization: string };
let user: TestUser;

beforeAll(async () => {
  service = await serviceHeaders();
  user = await createUser();
  await register(t.app, user);
});
beforeEach(async () => {
  await clearBudgets(t.db);
  t.ctx.now = () => new Date('2026-12-15T12:00:00Z');
  t.fake.setDefault({
    kind: 'reply',
    text: 'Keep going.',
    usage: { prompt_tokens: 100, completion_tokens: 50 },
  });
});

describe('GET /admin/budgets', () => {
  it('lists the global and default budgets (unset) and nothing else when none is configured', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/admin/budgets', headers: service });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      period: '2026-12',
      budgets: [
        {
          scope: 'global',
          user_id: null,
          token_limit: null,
          cost_limit_usd: null,
          tokens_used: 0,
          cost_used_usd: 0,
        },
        {
          scope: 'default',
          user_id: null,
          token_limit: null,
          cost_limit_usd: null,
          tokens_used: 0,
          cost_used_usd: 0,
        },
      ],
    });
  });

  it("shows every budget with this month's use", async () => {
    await setBudget(t.app, 'global', { token_limit: 100_000, cost_limit_usd: 50 });
    await setBudget(t.app, 'default', { token_limit: 5_000, cost_limit_usd: null });
    await setBudget(t.app, `users/${user.id}`, { token_limit: null, cost_limit_usd: 1.5 });
    const other = await createUser();
    await register(t.app, other);
    await ask(t.app, user);
    await ask(t.app, other);
    await ask(t.app, other);
    const body = (await t.app.inject({ method: 'GET', url: '/admin/budgets', headers: service })).json();
    expect(body).toEqual({
      period: '2026-12',
      budgets: [
        {
          scope: 'global',
          user_id: null,
          token_limit: 100_000,
          cost_limit_usd: 50,
          tokens_used: 450,
          cost_used_usd: 0,
        },
        // The default's use: the users it governs (no budget of their own), together.
        {
          scope: 'default',
          user_id: null,
          token_limit: 5_000,
          cost_limit_usd: null,
          tokens_used: 300,
          cost_used_usd: 0,
        },
        {
          scope: 'user',
          user_id: user.id,
          token_limit: null,
          cost_limit_usd: 1.5,
          tokens_used: 150,
          cost_used_usd: 0,
        },
      ],
    });
    // A new month starts at nothing.
    t.ctx.now = () => new Date('2027-01-10T12:00:00Z');
    const january = (await t.app.inject({ method: 'GET', url: '/admin/budgets', headers: service })).json();
    expect(january.period).toBe('2027-01');
    expect(january.budgets.map((budget: { tokens_used: number }) => budget.tokens_used)).toEqual([0, 0, 0]);
  });

  it('is in the OpenAPI document', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/admin/budgets',
        '/admin/budgets/global',
        '/admin/budgets/default',
        '/admin/budgets/users/{userId}',
      ]),
    );
    expect(Object.keys(document.paths['/admin/budgets/users/{userId}'])).toEqual(
      expect.arrayContaining(['put', 'delete']),
    );
  });
});

describe('who may set budgets', () => {
  it.each([
    ['GET', '/admin/budgets'],
    ['PUT', '/admin/budgets/global'],
    ['PUT', '/admin/budgets/default'],
    ['PUT', '/admin/budgets/users/00000000-0000-4000-8000-000000000000'],
    ['DELETE', '/admin/budgets/users/00000000-0000-4000-8000-000000000000'],
  ] as const)('%s %s: 403 for a user token, 401 without a token', async (method, url) => {
    const payload = method === 'PUT' ? { token_limit: 1, cost_limit_usd: null } : undefined;
    const asUser = await t.app.inject({ method, url, headers: bearer(user), payload });
    expect(asUser.statusCode).toBe(403);
    const anonymous = await t.app.inject({ method, url, payload });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('bad input', () => {
  it.each([
    ['a negative token limit', { token_limit: -1, cost_limit_usd: null }],
    ['a fractional token limit', { token_limit: 1.5, cost_limit_usd: null }],
    ['a token limit as text', { token_limit: '1000', cost_limit_usd: null }],
    ['a negative cost', { token_limit: null, cost_limit_usd: -0.01 }],
    ['an absurd cost', { token_limit: null, cost_limit_usd: 1e12 }],
    ['a missing field', { token_limit: 1000 }],
    ['an unknown field', { token_limit: 1000, cost_limit_usd: null, period: 'week' }],
    ['no body at all', undefined],
  ])('%s: 400 with a code, nothing stored', async (_name, payload) => {
    const response = await t.app.inject({
      method: 'PUT',
      url: '/admin/budgets/global',
      headers: service,
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toMatch(/^(validation_failed|invalid_json)$/);
    const body = (await t.app.inject({ method: 'GET', url: '/admin/budgets', headers: service })).json();
    expect(body.budgets[0]).toMatchObject({ scope: 'global', token_limit: null, cost_limit_usd: null });
  });

  it('a user id that is not a UUID: 400', async () => {
    const response = await t.app.inject({
      method: 'PUT',
      url: '/admin/budgets/users/not-a-uuid',
      headers: service,
      payload: { token_limit: 1, cost_limit_usd: null },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation_failed');
  });

  it('an unknown user: 404 user_not_found, for PUT and DELETE', async () => {
    const url = `/admin/budgets/users/${randomUUID()}`;
    const put = await t.app.inject({
      method: 'PUT',
      url,
      headers: service,
      payload: { token_limit: 1, cost_limit_usd: null },
    });
    expect(put.statusCode).toBe(404);
    expect(put.json().error.code).toBe('user_not_found');
    const removed = await t.app.inject({ method: 'DELETE', url, headers: service });
    expect(removed.statusCode).toBe(404);
    expect(removed.json().error.code).toBe('user_not_found');
  });

  it('both limits null on the global budget turns it off', async () => {
    await setBudget(t.app, 'global', { token_limit: 0, cost_limit_usd: null });
    expect((await ask(t.app, user)).reason).toBe('budget_exhausted');
    await setBudget(t.app, 'global', { token_limit: null, cost_limit_usd: null });
    expect((await ask(t.app, user)).success).toBe(true);
  });
});
