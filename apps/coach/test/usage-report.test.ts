import { signServiceToken } from '@ours/platform/auth';
import { localDateOf } from '@ours/platform/time';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoachDatabase } from '../src/db/coach-database.ts';
import { serviceTokenIssuer } from '../src/modules/shared/service-role.ts';
import { runUsageRollup } from '../src/modules/usage/index.ts';
import { heaviestUsers } from '../src/modules/usage/usage-report.repository.ts';
import { userCoverage } from '../src/modules/usage/usage-report.service.ts';
import { rollupWatermarks } from '../src/modules/usage/usage-rollup.repository.ts';
import { asService } from './support/coach-logs.ts';
import {
  bearer,
  createUser,
  openFileDatabase,
  startTestApp,
  type TestApp,
  testJwtSecret,
} from './support/test-app.ts';

/**
 * /admin/usage against figures computed here, row by row, from the seeded log rows: closed hours
 * from the rollup, the open hour and unaligned edges from raw rows, a row committed late into a
 * closed hour, and London's autumn clock change (2026-10-25 has 25 local hours).
 */
const zone = 'Europe/London';
const silent = pino({ level: 'silent' });
let db: CoachDatabase;
let t: TestApp;
let service: { authorization: string };
let now = new Date('2026-10-26T12:20:00Z');

interface Seed {
  user_id: string;
  timestamp: string;
  model: string | null;
  success: boolean;
  fallback_reason: 'timeout' | 'rate_limited' | 'safety_blocked' | 'crisis_detected' | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cached_tokens: number | null;
  latency_ms: number | null;
}
const seeds: Seed[] = [];
const users: { id: string; email: string | null }[] = [];
// Versioned prices (USD per million): gpt-4o changes on 2026-10-23; "mystery" has none.
const prices: Record<string, { from: string; input: number; output: number; cached: number | null }[]> = {
  'gpt-4o': [
    { from: '2026-10-01T00:00:00Z', input: 2.5, output: 10, cached: 1.25 },
    { from: '2026-10-23T00:00:00Z', input: 5, output: 15, cached: null },
  ],
  'gpt-4o-mini': [{ from: '2026-10-01T00:00:00Z', input: 0.15, output: 0.6, cached: 0.075 }],
};

let state = 42;
const random = () => {
  state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
  return state / 2 ** 31;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

function makeRow(timestamp: Date, user = pick(users)): Seed {
  const roll = random();
  const outcome =
    roll < 0.7 ? 'success' : pick(['timeout', 'rate_limited', 'safety_blocked', 'crisis_detected'] as const);
  const model =
    outcome === 'success' || outcome === 'safety_blocked' ? pick(['gpt-4o', 'gpt-4o-mini', 'mystery']) : null;
  const prompt = model ? 100 + Math.floor(random() * 2000) : null;
  return {
    user_id: user.id,
    timestamp: timestamp.toISOString(),
    model,
    success: outcome === 'success',
    fallback_reason: outcome === 'success' ? null : outcome,
    prompt_tokens: prompt,
    completion_tokens: model ? 10 + Math.floor(random() * 500) : null,
    cached_tokens: prompt && random() < 0.5 ? Math.floor(random() * prompt) : null,
    latency_ms: outcome === 'crisis_detected' ? null : Math.round(50 * 400 ** random()),
  };
}

async function insert(rows: Seed[]) {
  seeds.push(...rows);
  await asService(db, (tx) =>
    tx
      .insertInto('ai_coach_logs')
      .values(rows.map((row) => ({ ...row, session_id: 's', user_message: 'm', ai_response: 'r' })))
      .execute(),
  );
}

function costOf(row: Seed): number | null {
  if (!row.model) return null;
  const version = (prices[row.model] ?? []).filter((p) => p.from <= row.timestamp).at(-1);
  if (!version) return null;
  const cached = row.cached_tokens ?? 0;
  const prompt = row.prompt_tokens ?? 0;
  return (
    ((prompt - cached) * version.input +
      cached * (version.cached ?? version.input) +
      (row.completion_tokens ?? 0) * version.output) /
    1e6
  );
}

function nearestRank(values: number[], q: number): number | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? null : (sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] ?? null);
}

/** The figures of a set of rows, computed straight from them. */
function expected(rows: Seed[]) {
  const requests = rows.length;
  const succeeded = rows.filter((r) => r.success && !r.fallback_reason).length;
  const fallbacks = rows.filter((r) => r.fallback_reason).length;
  const prompt = rows.reduce((s, r) => s + (r.prompt_tokens ?? 0), 0);
  const completion = rows.reduce((s, r) => s + (r.completion_tokens ?? 0), 0);
  const latencies = rows.flatMap((r) => (r.latency_ms === null ? [] : [r.latency_ms]));
  return {
    requests,
    succeeded,
    fallbacks,
    success_rate: requests ? succeeded / requests : 0,
    fallback_rate: requests ? fallbacks / requests : 0,
    prompt_tokens: prompt,
    completion_tokens: completion,
    cached_tokens: rows.reduce((s, r) => s + (r.cached_tokens ?? 0), 0),
    total_tokens: prompt + completion,
    cost_usd: rows.reduce((s, r) => s + (costOf(r) ?? 0), 0),
    cost_unknown_requests: rows.filter((r) => r.model && costOf(r) === null).length,
    p50: nearestRank(latencies, 0.5),
    p95: nearestRank(latencies, 0.95),
  };
}

type Figures = {
  requests: number;
  success_rate: number;
  fallback_rate: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  total_tokens: number;
  cost_usd: number;
  latency_ms: { p50: number | null; p95: number | null };
};

/** The bucket error bound: a percentile from merged buckets is within 2^(1/8) - 1 of the true one. */
function expectLatency(actual: number | null, exact: number | null) {
  if (exact === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(Math.abs((actual ?? 0) - exact)).toBeLessThanOrEqual(exact * (2 ** (1 / 8) - 1) + 1);
}

function expectFigures(actual: Figures, rows: Seed[], exactLatency = false) {
  const want = expected(rows);
  expect(actual).toMatchObject({
    requests: want.requests,
    prompt_tokens: want.prompt_tokens,
    completion_tokens: want.completion_tokens,
    cached_tokens: want.cached_tokens,
    total_tokens: want.total_tokens,
  });
  expect(actual.success_rate).toBeCloseTo(want.success_rate, 12);
  expect(actual.fallback_rate).toBeCloseTo(want.fallback_rate, 12);
  expect(actual.cost_usd).toBeCloseTo(want.cost_usd, 8);
  if (exactLatency) expect(actual.latency_ms).toEqual({ p50: want.p50, p95: want.p95 });
  else {
    expectLatency(actual.latency_ms.p50, want.p50);
    expectLatency(actual.latency_ms.p95, want.p95);
  }
}

const inRange = (from: string, to: string) =>
  seeds.filter(
    (row) => Date.parse(row.timestamp) >= Date.parse(from) && Date.parse(row.timestamp) < Date.parse(to),
  );

function groupBy<K>(rows: Seed[], key: (row: Seed) => K): Map<K, Seed[]> {
  const groups = new Map<K, Seed[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
}

const usage = async (query: string) => {
  const response = await t.app.inject({ method: 'GET', url: `/admin/usage${query}`, headers: service });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

function expectReport(
  report: Record<string, unknown> & { totals: Figures & Record<string, unknown> },
  rows: Seed[],
) {
  const want = expected(rows);
  expectFigures(report.totals, rows);
  expect(report.totals).toMatchObject({
    succeeded: want.succeeded,
    fallbacks: want.fallbacks,
    cost_unknown_requests: want.cost_unknown_requests,
  });
  const reasons = groupBy(
    rows.filter((r) => r.fallback_reason),
    (r) => r.fallback_reason,
  );
  expect(Object.keys(report.totals.fallback_by_reason as object).sort()).toEqual([...reasons.keys()].sort());
  for (const [reason, list] of reasons) {
    const entry = (report.totals.fallback_by_reason as Record<string, { count: number; rate: number }>)[
      reason ?? ''
    ];
    expect(entry?.count).toBe(list.length);
    expect(entry?.rate).toBeCloseTo(list.length / rows.length, 12);
  }
  // Top users: the ten heaviest by cost, then tokens, with their e-mail where known.
  const byUser = [...groupBy(rows, (r) => r.user_id)].map(([id, list]) => ({ id, ...expected(list) }));
  byUser.sort((a, b) => b.cost_usd - a.cost_usd || b.total_tokens - a.total_tokens || (a.id < b.id ? -1 : 1));
  const top = report.top_users as {
    user_id: string;
    email: string | null;
    requests: number;
    total_tokens: number;
    cost_usd: number;
  }[];
  expect(top.map((u) => u.user_id)).toEqual(byUser.slice(0, 10).map((u) => u.id));
  for (const [index, user] of top.entries()) {
    expect(user.requests).toBe(byUser[index]?.requests);
    expect(user.total_tokens).toBe(byUser[index]?.total_tokens);
    expect(user.cost_usd).toBeCloseTo(byUser[index]?.cost_usd ?? Number.NaN, 8);
    expect(user.email).toBe(users.find((u) => u.id === user.user_id)?.email ?? null);
  }
}

beforeAll(async () => {
  db = await openFileDatabase();
  t = await startTestApp(db, { COACH_TIMEZONE: zone });
  t.ctx.now = () => now;
  service = {
    authorization: `Bearer ${await signServiceToken(testJwtSecret, { issuer: serviceTokenIssuer })}`,
  };
  await asService(db, async (tx) => {
    for (const [model, versions] of Object.entries(prices))
      for (const v of versions)
        await tx
          .insertInto('model_prices')
          .values({
            model,
            input_per_million: v.input,
            output_per_million: v.output,
            cached_input_per_million: v.cached,
            effective_from: v.from,
          })
          .execute();
    for (let index = 0; index < 13; index++) {
      const user = await createUser();
      const email = index === 0 ? null : user.email;
      users.push({ id: user.id, email });
      await tx.insertInto('auth.users').values({ id: user.id, email }).execute();
    }
  });
  const start = Date.parse('2026-10-19T22:00:00Z');
  const rows: Seed[] = [];
  for (let index = 0; index < 400; index++)
    rows.push(makeRow(new Date(start + random() * (now.getTime() - start))));
  // Either side of local midnight on both sides of the clock change, and the open hour.
  for (const at of [
    '2026-10-24T22:59:59Z',
    '2026-10-24T23:00:00Z',
    '2026-10-25T00:30:00Z',
    '2026-10-25T01:30:00Z',
    '2026-10-25T23:59:59Z',
    '2026-10-26T00:00:00Z',
    '2026-10-26T12:00:00Z',
    '2026-10-26T12:19:59Z',
  ])
    rows.push(makeRow(new Date(at)));
  await insert(rows);
  await runUsageRollup(t.ctx, silent);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await db?.close();
});

describe('GET /admin/usage', () => {
  it('counts a row committed late into a closed hour at the next rollup run', async () => {
    const range = '?from=2026-10-20&to=2026-10-27';
    const late = makeRow(new Date('2026-10-26T11:40:00Z'));
    await insert([late]);
    const before = await usage(range);
    expect(before.totals.requests).toBe(inRange('2026-10-19T23:00:00Z', '2026-10-27T00:00:00Z').length - 1);
    now = new Date('2026-10-26T13:05:00Z');
    await runUsageRollup(t.ctx, silent);
    // The open hour, read raw.
    await insert([makeRow(new Date('2026-10-26T13:00:00Z')), makeRow(new Date('2026-10-26T13:04:00Z'))]);
    const after = await usage(range);
    expectReport(after, inRange('2026-10-19T23:00:00Z', '2026-10-27T00:00:00Z'));
  });

  it('groups by local day, the 25-hour day of the clock change included', async () => {
    // Local dates: 2026-10-20 starts at 23:00Z the day before (summer time), 2026-10-26 at 00:00Z.
    const from = '2026-10-19T23:00:00Z';
    const to = '2026-10-27T00:00:00Z';
    const report = await usage('?from=2026-10-20&to=2026-10-27&group_by=day');
    expect(report).toMatchObject({
      from: '2026-10-19T23:00:00.000Z',
      to: '2026-10-27T00:00:00.000Z',
      group_by: 'day',
      time_zone: zone,
      currency: 'USD',
    });
    const rows = inRange(from, to);
    expectReport(report, rows);
    const days = groupBy(rows, (r) => localDateOf(new Date(r.timestamp), zone));
    expect(report.groups.map((g: { key: string }) => g.key)).toEqual([
      '2026-10-20',
      '2026-10-21',
      '2026-10-22',
      '2026-10-23',
      '2026-10-24',
      '2026-10-25',
      '2026-10-26',
    ]);
    for (const group of report.groups) expectFigures(group, days.get(group.key) ?? []);
    expect(days.get('2026-10-25')?.some((r) => r.timestamp === '2026-10-24T23:00:00.000Z')).toBe(true);
  });

  it('groups by model, with calls that reached no model under "(none)"', async () => {
    const report = await usage('?from=2026-10-20&to=2026-10-27&group_by=model');
    const rows = inRange('2026-10-19T23:00:00Z', '2026-10-27T00:00:00Z');
    const models = groupBy(rows, (r) => r.model ?? '(none)');
    expect(report.groups.map((g: { key: string }) => g.key)).toEqual([...models.keys()].sort());
    for (const group of report.groups) expectFigures(group, models.get(group.key) ?? []);
    expect(report.totals.cost_unknown_requests).toBe(models.get('mystery')?.length);
  });

  it('groups by user, heaviest first, with exact latency percentiles', async () => {
    const report = await usage('?from=2026-10-20&to=2026-10-27&group_by=user');
    const rows = inRange('2026-10-19T23:00:00Z', '2026-10-27T00:00:00Z');
    const byUser = groupBy(rows, (r) => r.user_id);
    expect(report.groups).toHaveLength(byUser.size);
    expect(report.groups.slice(0, 10).map((g: { key: string }) => g.key)).toEqual(
      report.top_users.map((u: { user_id: string }) => u.user_id),
    );
    for (const group of report.groups) expectFigures(group, byUser.get(group.key) ?? [], true);
  });

  it('finds the same heaviest users however few candidates it starts from', async () => {
    // The report widens its pool of candidate users until none outside it can rank: start tiny.
    const { watermarks, ...ranges } = await asService(db, async (tx) => ({
      watermarks: await rollupWatermarks(tx),
      edges: { from: new Date('2026-10-21T10:30:00Z'), to: new Date('2026-10-25T00:30:00Z') },
      week: { from: new Date('2026-10-19T23:00:00Z'), to: now },
    }));
    for (const range of Object.values(ranges)) {
      const { days, raw } = userCoverage(range, watermarks.user_totals);
      expect(days).toBeDefined();
      for (const limit of [1, 3, 10]) {
        const everyone = await asService(db, (tx) => heaviestUsers(tx, days, raw, limit, 1000));
        expect(everyone.length).toBeGreaterThan(0);
        for (const pool of [1, 2, 3])
          expect(await asService(db, (tx) => heaviestUsers(tx, days, raw, limit, pool))).toEqual(everyone);
      }
    }
  });

  it('reads raw rows for the edges of a range that does not fall on hours or days', async () => {
    const from = '2026-10-21T10:30:00Z';
    const to = '2026-10-25T00:30:00Z';
    for (const groupBy of ['day', 'model', 'user']) {
      const report = await usage(`?from=${from}&to=${to}&group_by=${groupBy}`);
      expectReport(report, inRange(from, to));
    }
  });

  it('reads a range inside the open hour from raw rows alone', async () => {
    const report = await usage('?from=2026-10-26T13:00:00Z&to=2026-10-26T13:05:00Z');
    expectReport(report, inRange('2026-10-26T13:00:00Z', '2026-10-26T13:05:00Z'));
    expect(report.totals.requests).toBe(2);
  });

  it('defaults to the last 30 local days up to now', async () => {
    const report = await usage('');
    expect(report.from).toBe('2026-09-26T23:00:00.000Z');
    expect(report.to).toBe(now.toISOString());
    expect(report.groups).toHaveLength(30);
    expectReport(report, inRange(report.from, report.to));
  });

  it('answers days without requests with zeros and no latency', async () => {
    const report = await usage('?from=2026-10-10&to=2026-10-12');
    expect(report.groups).toEqual([
      expect.objectContaining({
        key: '2026-10-10',
        requests: 0,
        success_rate: 0,
        cost_usd: 0,
        latency_ms: { p50: null, p95: null },
      }),
      expect.objectContaining({ key: '2026-10-11', requests: 0 }),
    ]);
    expect(report.top_users).toEqual([]);
  });

  it.each([
    ['?from=2026-10-20&to=2026-10-20', 'invalid_range'],
    ['?from=2026-10-21&to=2026-10-20', 'invalid_range'],
    ['?from=2025-01-01&to=2026-10-20', 'invalid_range'],
    ['?from=yesterday', 'invalid_range'],
    ['?from=2026-02-30', 'invalid_range'],
    ['?group_by=week', 'validation_failed'],
    ['?limit=5', 'validation_failed'],
  ])('answers 400 to %s', async (query, code) => {
    const response = await t.app.inject({ method: 'GET', url: `/admin/usage${query}`, headers: service });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
  });

  it('refuses a user token (403) and no token (401)', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/admin/usage' })).statusCode).toBe(401);
    const user = await createUser();
    expect(
      (await t.app.inject({ method: 'GET', url: '/admin/usage', headers: bearer(user) })).statusCode,
    ).toBe(403);
  });
});

describe('/metrics', () => {
  const metric = (body: string, name: string, labels: string) => {
    const line = body.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };

  it('exports the day and month figures from the rollups', async () => {
    const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const month = expected(inRange('2026-10-01T00:00:00Z', now.toISOString()));
    const dayRows = inRange('2026-10-26T00:00:00Z', now.toISOString());
    const day = expected(dayRows);
    expect(metric(body, 'coach_usage_requests', 'period="month",outcome="success"')).toBe(month.succeeded);
    expect(metric(body, 'coach_usage_requests', 'period="day",outcome="success"')).toBe(day.succeeded);
    expect(metric(body, 'coach_usage_requests', 'period="month",outcome="timeout"')).toBe(
      seeds.filter((r) => r.fallback_reason === 'timeout').length,
    );
    const mini = seeds.filter((r) => r.model === 'gpt-4o-mini');
    expect(metric(body, 'coach_usage_tokens', 'period="month",model="gpt-4o-mini",kind="prompt"')).toBe(
      expected(mini).prompt_tokens,
    );
    expect(metric(body, 'coach_usage_tokens', 'period="month",model="gpt-4o-mini",kind="cached"')).toBe(
      expected(mini).cached_tokens,
    );
    expect(metric(body, 'coach_usage_cost_usd', 'period="month",model="gpt-4o-mini"')).toBeCloseTo(
      expected(mini).cost_usd,
      8,
    );
    expect(metric(body, 'coach_usage_cost_unknown_requests', 'period="month"')).toBe(
      month.cost_unknown_requests,
    );
    const p95 = metric(body, 'coach_usage_latency_ms', 'period="day",quantile="0.95"');
    expectLatency(p95 ?? null, day.p95);
  });
});
