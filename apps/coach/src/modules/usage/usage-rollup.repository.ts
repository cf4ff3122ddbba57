import { sql } from 'kysely';
import type { CoachExecutor } from '../../db/coach-database.ts';
import { latencyBucketSql } from './latency-histogram.ts';

export type RollupName = 'hourly' | 'user_totals';

/** What a log row counts as: 'success', its fallback reason, or 'failed' (neither). */
export const outcomeSql = sql<string>`case when fallback_reason is not null then fallback_reason when success then 'success' else 'failed' end`;

/** How far each rollup is complete (rows logged before it are in the rollup). */
export async function rollupWatermarks(tx: CoachExecutor): Promise<Partial<Record<RollupName, string>>> {
  const rows = await tx.selectFrom('usage_rollup_state').select(['rollup', 'covered_until']).execute();
  return Object.fromEntries(rows.map((row) => [row.rollup, row.covered_until]));
}

export async function setWatermark(
  tx: CoachExecutor,
  rollup: RollupName,
  coveredUntil: string,
): Promise<void> {
  await tx
    .insertInto('usage_rollup_state')
    .values({ rollup, covered_until: coveredUntil })
    .onConflict((conflict) => conflict.column('rollup').doUpdateSet({ covered_until: coveredUntil }))
    .execute();
}

/** One rollup writer at a time across instances, for the rest of the transaction. */
export async function lockRollups(tx: CoachExecutor): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('coach:usage_rollups'))`.execute(tx);
}

/** The first log row's time, where the first rollup run starts (null without logs). */
export async function firstLogAt(tx: CoachExecutor): Promise<string | null> {
  const row = await tx
    .selectFrom('ai_coach_logs')
    .select('timestamp')
    .orderBy('timestamp')
    .limit(1)
    .executeTakeFirst();
  return row?.timestamp ?? null;
}

/** Recomputes the hourly rollup for the whole hours in [from, to) from the raw rows (idempotent). */
export async function recomputeHourly(tx: CoachExecutor, from: string, to: string): Promise<void> {
  await tx.deleteFrom('usage_hourly').where('hour', '>=', from).where('hour', '<', to).execute();
  await sql`
    insert into usage_hourly (hour, model, outcome, requests, prompt_tokens, completion_tokens,
      cached_tokens, cost_usd, cost_unknown, latency_buckets)
    select hour, model, outcome, sum(n)::int, sum(prompt), sum(completion), sum(cached),
      coalesce(sum(cost), 0), sum(unknown)::int,
      coalesce(jsonb_object_agg(bucket, timed) filter (where bucket is not null), '{}'::jsonb)
    from (
      select date_trunc('hour', "timestamp", 'UTC') as hour, coalesce(model, '') as model,
        ${outcomeSql} as outcome, ${latencyBucketSql} as bucket, count(*) as n,
        count(latency_ms) as timed, coalesce(sum(prompt_tokens), 0) as prompt,
        coalesce(sum(completion_tokens), 0) as completion, coalesce(sum(cached_tokens), 0) as cached,
        sum(cost_usd) as cost, count(*) filter (where model is not null and cost_usd is null) as unknown
      from ai_coach_logs
      where "timestamp" >= ${from} and "timestamp" < ${to}
      group by 1, 2, 3, 4
    ) per_bucket
    group by hour, model, outcome`.execute(tx);
}

// A user idle this many days is dropped from the running totals (the longest range is 366 days).
const carriedDays = 367;

/**
 * Recomputes one UTC day's running totals per user from the previous day's row and the day's raw
 * rows in [dayStart, to) (idempotent; the previous day must be final or recomputed first).
 */
export async function recomputeUserTotals(tx: CoachExecutor, day: string, to: string): Promise<void> {
  await tx.deleteFrom('usage_user_totals').where('day', '=', day).execute();
  await sql`
    insert into usage_user_totals (day, user_id, since, last_active, requests, succeeded, fallbacks,
      prompt_tokens, completion_tokens, cached_tokens, cost_usd)
    select ${day}::date, coalesce(today.user_id, before.user_id),
      coalesce(before.since, ${day}::date),
      case when today.user_id is null then before.last_active else ${day}::date end,
      coalesce(before.requests, 0) + coalesce(today.requests, 0),
      coalesce(before.succeeded, 0) + coalesce(today.succeeded, 0),
      coalesce(before.fallbacks, 0) + coalesce(today.fallbacks, 0),
      coalesce(before.prompt_tokens, 0) + coalesce(today.prompt_tokens, 0),
      coalesce(before.completion_tokens, 0) + coalesce(today.completion_tokens, 0),
      coalesce(before.cached_tokens, 0) + coalesce(today.cached_tokens, 0),
      coalesce(before.cost_usd, 0) + coalesce(today.cost_usd, 0)
    from (
      select * from usage_user_totals
      where day = ${day}::date - 1 and last_active > ${day}::date - ${sql.lit(carriedDays)}
    ) before
    full join (
      select user_id, count(*) as requests,
        count(*) filter (where success and fallback_reason is null) as succeeded,
        count(*) filter (where fallback_reason is not null) as fallbacks,
        coalesce(sum(prompt_tokens), 0) as prompt_tokens,
        coalesce(sum(completion_tokens), 0) as completion_tokens,
        coalesce(sum(cached_tokens), 0) as cached_tokens, coalesce(sum(cost_usd), 0) as cost_usd
      from ai_coach_logs
      where "timestamp" >= ${`${day}T00:00:00Z`} and "timestamp" < ${to}
      group by user_id
    ) today on today.user_id = before.user_id`.execute(tx);
}

/** Drops running totals no range can need any more (older than the longest range). */
export async function pruneUserTotals(tx: CoachExecutor, today: string): Promise<void> {
  await tx
    .deleteFrom('usage_user_totals')
    .where('day', '<', sql<string>`${today}::date - ${sql.lit(carriedDays + 1)}`)
    .execute();
}
