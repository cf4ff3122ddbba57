import { queryAs } from '@ours/platform/db';
import { addDays, localDateOf } from '@ours/platform/time';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { coverage, dayMs, hourMs, usageRange } from './usage-range.ts';
import {
  heaviestUsers,
  hourlySlices,
  rawSlices,
  type UsageSlice,
  type UserUsage,
  userEmails,
  userLatencies,
} from './usage-report.repository.ts';
import { rollupWatermarks } from './usage-rollup.repository.ts';
import { add, emptyTally, figures, rate, type Tally, totalsOf, usd } from './usage-tally.ts';

export type UsageTally = Tally;

export type GroupBy = 'day' | 'user' | 'model';

const topUserCount = 10;
/** group_by=user lists the heaviest users only (a month of a busy app has tens of thousands). */
export const maxUserGroups = 100;
/** Rows that reached no model are grouped under this key by group_by=model. */
export const noModelKey = '(none)';

/** Every figure of a range by local day and model, from the rollups plus raw rows at the edges. */
async function slicesOf(
  ctx: AppContext,
  range: { from: Date; to: Date },
  watermarks: Awaited<ReturnType<typeof rollupWatermarks>>,
): Promise<UsageSlice[]> {
  const tx = queryAs(ctx.db, serviceRole);
  const timeZone = ctx.config.jobs.timeZone;
  const hourly = coverage(range, hourMs, watermarks.hourly);
  const [rolled, raw] = await Promise.all([
    hourly.covered ? hourlySlices(tx, hourly.covered, timeZone) : [],
    rawSlices(tx, hourly.raw, timeZone),
  ]);
  return [...rolled, ...raw];
}

/**
 * Totals and per-model figures of a range (for /metrics: no per-user work). `watermarks`: the
 * rollups' watermarks when the caller has read them already (read here otherwise).
 */
export async function usageByModel(
  ctx: AppContext,
  range: { from: Date; to: Date },
  watermarks?: Awaited<ReturnType<typeof rollupWatermarks>>,
) {
  watermarks ??= await rollupWatermarks(queryAs(ctx.db, serviceRole));
  const slices = await slicesOf(ctx, range, watermarks);
  const total = emptyTally();
  const models = new Map<string, Tally>();
  for (const slice of slices) {
    add(total, slice);
    const key = slice.model || noModelKey;
    const tally = models.get(key) ?? emptyTally();
    add(tally, slice);
    models.set(key, tally);
  }
  return { total, models };
}

function userFigures(user: UserUsage, latency: { p50: number | null; p95: number | null } | undefined) {
  const prompt = Number(user.prompt_tokens);
  const completion = Number(user.completion_tokens);
  return {
    key: user.user_id,
    requests: user.requests,
    success_rate: rate(user.succeeded, user.requests),
    fallback_rate: rate(user.fallbacks, user.requests),
    prompt_tokens: prompt,
    completion_tokens: completion,
    cached_tokens: Number(user.cached_tokens),
    total_tokens: prompt + completion,
    cost_usd: usd(Number(user.cost_usd)),
    latency_ms: { p50: latency?.p50 ?? null, p95: latency?.p95 ?? null },
  };
}

/**
 * The part of a range the per-user running totals cover, as its first and last UTC day (the current
 * day's totals are partial, up to the watermark), and the raw spans around it.
 */
export function userCoverage(range: { from: Date; to: Date }, watermark: string | undefined) {
  const users = coverage(range, dayMs, watermark);
  const days = users.covered && {
    first: users.covered.from.slice(0, 10),
    last: new Date(Date.parse(users.covered.to) - 1).toISOString().slice(0, 10),
  };
  return { days, raw: users.raw };
}

/** GET /admin/usage: totals, groups and the top users of a range. */
export async function usageReport(
  ctx: AppContext,
  query: { from?: string | undefined; to?: string | undefined; group_by?: GroupBy | undefined },
) {
  const groupBy = query.group_by ?? 'day';
  const timeZone = ctx.config.jobs.timeZone;
  const range = usageRange(query, ctx.now(), timeZone);
  const tx = queryAs(ctx.db, serviceRole);
  const watermarks = await rollupWatermarks(tx);
  const { days, raw } = userCoverage(range, watermarks.user_totals);
  // On PostgreSQL the rollup reads and the per-user read run side by side on the pool.
  const [slices, heaviest] = await Promise.all([
    slicesOf(ctx, range, watermarks),
    heaviestUsers(tx, days, raw, groupBy === 'user' ? maxUserGroups : topUserCount),
  ]);
  const top = heaviest.slice(0, topUserCount);
  const emails = await userEmails(
    tx,
    top.map((user) => user.user_id),
  );

  const total = emptyTally();
  const groups = new Map<string, Tally>();
  if (groupBy === 'day') {
    const last = localDateOf(new Date(range.to.getTime() - 1), timeZone);
    for (let day = localDateOf(range.from, timeZone); day <= last; day = addDays(day, 1))
      groups.set(day, emptyTally());
  }
  for (const slice of slices) {
    add(total, slice);
    if (groupBy === 'user') continue;
    const key = groupBy === 'day' ? slice.day : slice.model || noModelKey;
    const tally = groups.get(key) ?? emptyTally();
    add(tally, slice);
    groups.set(key, tally);
  }
  let groupList: ReturnType<typeof userFigures>[];
  if (groupBy === 'user') {
    const latencies = await userLatencies(
      tx,
      heaviest.map((user) => user.user_id),
      { from: range.from.toISOString(), to: range.to.toISOString() },
    );
    groupList = heaviest.map((user) => userFigures(user, latencies.get(user.user_id)));
  } else {
    groupList = [...groups]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, tally]) => ({ key, ...figures(tally) }));
  }
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    group_by: groupBy,
    time_zone: timeZone,
    currency: 'USD' as const,
    totals: totalsOf(total),
    groups: groupList,
    top_users: top.map((user) => ({
      user_id: user.user_id,
      email: emails.get(user.user_id) ?? null,
      requests: user.requests,
      total_tokens: Number(user.prompt_tokens) + Number(user.completion_tokens),
      cost_usd: usd(Number(user.cost_usd)),
    })),
  };
}
