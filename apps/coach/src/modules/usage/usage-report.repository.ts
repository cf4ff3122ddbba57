import { type RawBuilder, sql } from 'kysely';
import type { CoachExecutor } from '../../db/coach-database.ts';
import { type LatencyBuckets, latencyBucketSql } from './latency-histogram.ts';
import { outcomeSql } from './usage-rollup.repository.ts';

/** An instant range [from, to) as ISO strings. */
export interface Span {
  from: string;
  to: string;
}

/** Usage of one local day, model and outcome: a rollup row, or raw rows summed the same way. */
export interface UsageSlice {
  day: string;
  model: string;
  outcome: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_usd: number;
  cost_unknown: number;
  latency_buckets: LatencyBuckets;
}

/** The hourly rollup rows for the hours in [from, to), each with its local day in `timeZone`. */
export async function hourlySlices(tx: CoachExecutor, span: Span, timeZone: string): Promise<UsageSlice[]> {
  const { rows } = await sql<UsageSlice>`
    select to_char(hour at time zone ${timeZone}, 'YYYY-MM-DD') as day, model, outcome, requests,
      prompt_tokens, completion_tokens, cached_tokens, cost_usd, cost_unknown, latency_buckets
    from usage_hourly where hour >= ${span.from} and hour < ${span.to}`.execute(tx);
  return rows;
}

function inSpans(spans: readonly Span[]): RawBuilder<boolean> {
  return sql<boolean>`(${sql.join(
    spans.map((span) => sql`("timestamp" >= ${span.from} and "timestamp" < ${span.to})`),
    sql` or `,
  )})`;
}

/** Raw log rows in the spans (the parts no rollup covers), summed like the rollup. */
export async function rawSlices(
  tx: CoachExecutor,
  spans: readonly Span[],
  timeZone: string,
): Promise<UsageSlice[]> {
  if (spans.length === 0) return [];
  const { rows } = await sql<Omit<UsageSlice, 'latency_buckets'> & { bucket: number | null; timed: number }>`
    select to_char("timestamp" at time zone ${timeZone}, 'YYYY-MM-DD') as day,
      coalesce(model, '') as model, ${outcomeSql} as outcome, ${latencyBucketSql} as bucket,
      count(*)::int as requests, count(latency_ms)::int as timed,
      coalesce(sum(prompt_tokens), 0)::bigint as prompt_tokens,
      coalesce(sum(completion_tokens), 0)::bigint as completion_tokens,
      coalesce(sum(cached_tokens), 0)::bigint as cached_tokens, coalesce(sum(cost_usd), 0) as cost_usd,
      count(*) filter (where model is not null and cost_usd is null)::int as cost_unknown
    from ai_coach_logs where ${inSpans(spans)}
    group by 1, 2, 3, 4`.execute(tx);
  return rows.map(({ bucket, timed, ...slice }) => ({
    ...slice,
    latency_buckets: bucket === null ? {} : { [bucket]: timed },
  }));
}

export interface UserUsage {
  user_id: string;
  requests: number;
  succeeded: number;
  fallbacks: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_usd: number;
}

/**
 * Per-user totals, the heaviest first (cost, then tokens): the running totals at the end of
 * `days.last` minus those at the end of the day before `days.first` (same run of totals only), plus
 * the raw rows in `spans`.
 *
 * A user's usage in the range is at most their running total at `days.last` (costs are never
 * negative), so only the users with the largest running totals are candidates: the first `pool`
 * of them by the (day, cost_usd) index, plus every user with raw rows. The answer is exact once the
 * last listed user's cost exceeds the running total of the pool's last user (nobody outside the
 * pool can reach it); otherwise the pool grows until it holds everyone of that day.
 */
export async function heaviestUsers(
  tx: CoachExecutor,
  days: { first: string; last: string } | undefined,
  spans: readonly Span[],
  limit: number,
  firstPool = Math.max(200, limit * 4),
): Promise<UserUsage[]> {
  if (!days && spans.length === 0) return [];
  for (let pool = firstPool; ; pool *= 8) {
    const { rows } = await heaviestAmong(tx, days, spans, limit, pool);
    const bound = rows[0]?.bound;
    const last = rows.at(-1);
    // No bound: the pool held every user of the day (and no rows: nobody used anything).
    if (bound === null || bound === undefined) return rows.map(withoutBound);
    if (last && Number(last.cost_usd) > Number(bound)) return rows.map(withoutBound);
  }
}

const withoutBound = ({ bound: _bound, ...user }: UserUsage & { bound: string | null }): UserUsage => user;

function heaviestAmong(
  tx: CoachExecutor,
  days: { first: string; last: string } | undefined,
  spans: readonly Span[],
  limit: number,
  pool: number,
) {
  const raw =
    spans.length > 0
      ? sql`
      select user_id, count(*) as requests,
        count(*) filter (where success and fallback_reason is null) as succeeded,
        count(*) filter (where fallback_reason is not null) as fallbacks,
        coalesce(sum(prompt_tokens), 0) as prompt_tokens, coalesce(sum(completion_tokens), 0) as completion_tokens,
        coalesce(sum(cached_tokens), 0) as cached_tokens, coalesce(sum(cost_usd), 0) as cost_usd
      from ai_coach_logs where ${inSpans(spans)} group by user_id`
      : sql`
      select null::uuid as user_id, 0::bigint as requests, 0::bigint as succeeded, 0::bigint as fallbacks,
        0::bigint as prompt_tokens, 0::bigint as completion_tokens, 0::bigint as cached_tokens,
        0::numeric as cost_usd where false`;
  if (!days)
    return sql<UserUsage & { bound: string | null }>`
      select user_id, requests::int, succeeded::int, fallbacks::int, prompt_tokens::bigint,
        completion_tokens::bigint, cached_tokens::bigint, cost_usd, null as bound
      from (${raw}) raw where requests > 0
      order by cost_usd desc, prompt_tokens + completion_tokens desc, user_id limit ${limit}`.execute(tx);
  const ofDay = sql`day = ${days.last}::date and last_active >= ${days.first}::date`;
  return sql<UserUsage & { bound: string | null }>`
    with raw as materialized (${raw}),
    candidate as (
      (select user_id from usage_user_totals where ${ofDay} order by cost_usd desc limit ${pool})
      union select user_id from raw
    ),
    usage as (
      select c.user_id,
        coalesce(total.requests - coalesce(before.requests, 0), 0) + coalesce(raw.requests, 0) as requests,
        coalesce(total.succeeded - coalesce(before.succeeded, 0), 0) + coalesce(raw.succeeded, 0) as succeeded,
        coalesce(total.fallbacks - coalesce(before.fallbacks, 0), 0) + coalesce(raw.fallbacks, 0) as fallbacks,
        coalesce(total.prompt_tokens - coalesce(before.prompt_tokens, 0), 0) + coalesce(raw.prompt_tokens, 0) as prompt_tokens,
        coalesce(total.completion_tokens - coalesce(before.completion_tokens, 0), 0) + coalesce(raw.completion_tokens, 0) as completion_tokens,
        coalesce(total.cached_tokens - coalesce(before.cached_tokens, 0), 0) + coalesce(raw.cached_tokens, 0) as cached_tokens,
        coalesce(total.cost_usd - coalesce(before.cost_usd, 0), 0) + coalesce(raw.cost_usd, 0) as cost_usd
      from candidate c
      left join usage_user_totals total on total.day = ${days.last}::date and total.user_id = c.user_id
        and total.last_active >= ${days.first}::date
      left join usage_user_totals before on before.day = ${days.first}::date - 1
        and before.user_id = c.user_id and before.since = total.since
      left join raw on raw.user_id = c.user_id
    )
    select user_id, requests::int, succeeded::int, fallbacks::int, prompt_tokens::bigint,
      completion_tokens::bigint, cached_tokens::bigint, cost_usd,
      -- The running total of the pool's last user: nobody outside the pool used more.
      (select cost_usd from usage_user_totals where ${ofDay} order by cost_usd desc
        offset ${pool - 1} limit 1) as bound
    from usage where requests > 0
    order by cost_usd desc, prompt_tokens + completion_tokens desc, user_id
    limit ${limit}`.execute(tx);
}

// A heavy user has hundreds of thousands of calls a month: percentiles over the latest ones only.
const latencySample = 200;

/**
 * Latency percentiles of a few users' calls in [from, to): exact over each user's latest 200 calls
 * in the range (one short walk of the (user_id, timestamp) index per user).
 */
export async function userLatencies(
  tx: CoachExecutor,
  userIds: readonly string[],
  span: Span,
): Promise<Map<string, { p50: number | null; p95: number | null }>> {
  if (userIds.length === 0) return new Map();
  const { rows } = await sql<{ user_id: string; p50: number | null; p95: number | null }>`
    select u.user_id, percentile_disc(0.5) within group (order by recent.latency_ms) as p50,
      percentile_disc(0.95) within group (order by recent.latency_ms) as p95
    from unnest(${sql.val(userIds)}::uuid[]) as u (user_id)
    cross join lateral (
      select latency_ms from ai_coach_logs
      where user_id = u.user_id and "timestamp" >= ${span.from} and "timestamp" < ${span.to}
      order by "timestamp" desc limit ${sql.lit(latencySample)}
    ) recent
    group by u.user_id`.execute(tx);
  return new Map(rows.map((row) => [row.user_id, { p50: row.p50, p95: row.p95 }]));
}

/** The e-mail of each user auth.users knows. */
export async function userEmails(
  tx: CoachExecutor,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('auth.users')
    .select(['id', 'email'])
    .where('id', 'in', [...userIds])
    .execute();
  return new Map(rows.flatMap((row) => (row.email ? [[row.id, row.email] as const] : [])));
}
