import { type Executor, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';

export interface Window {
  start: Date;
  end: Date;
  timeZone: string;
}

export interface StressedUser {
  user_id: string;
  days: number;
  mood: boolean;
  chat: boolean;
}

/**
 * Every user with 2+ stressed local days in the window, in one set-based statement: a day is
 * stressed by a mood check-in (stress 7+ or mood 3 or less) or by the user's own message flagged
 * when it was written. Partial indexes keep the scan to stressed rows only.
 */
export function findStressedUsers(tx: Executor, window: Window): Promise<StressedUser[]> {
  return queryRows<StressedUser>(
    tx,
    sql`
    with stressed_days as (
      select user_id, (logged_at at time zone ${window.timeZone})::date as day, true as mood, false as chat
      from mood_logs
      where logged_at >= ${window.start.toISOString()}::timestamptz and logged_at < ${window.end.toISOString()}::timestamptz
        and (stress >= 7 or mood <= 3)
      union all
      select user_id, ("timestamp" at time zone ${window.timeZone})::date, false, true
      from ai_coach_logs
      where "timestamp" >= ${window.start.toISOString()}::timestamptz and "timestamp" < ${window.end.toISOString()}::timestamptz
        and stress_signal
    )
    select user_id, count(distinct day)::int as days, bool_or(mood) as mood, bool_or(chat) as chat
    from stressed_days
    group by user_id
    having count(distinct day) >= 2`,
  );
}

/** Users whose window holds a crisis flag: a person reviews them, nothing automated reaches them. */
export async function findCrisisUsers(tx: Executor, window: Window): Promise<string[]> {
  const rows = await queryRows<{ user_id: string }>(
    tx,
    sql`select distinct user_id from ai_coach_logs
        where "timestamp" >= ${window.start.toISOString()}::timestamptz and "timestamp" < ${window.end.toISOString()}::timestamptz
          and issues @> '{crisis}'`,
  );
  return rows.map((row) => row.user_id);
}

/**
 * Inserts the nudges in one statement. The exclusion constraint refuses a second nudge within 72
 * hours (even from a concurrent run), and those rows are skipped, not errors. Returns who got one.
 */
export async function insertNudges(
  tx: Executor,
  nudges: { user_id: string; message: string }[],
): Promise<string[]> {
  if (nudges.length === 0) return [];
  const rows = await queryRows<{ user_id: string }>(
    tx,
    sql`insert into coach_notifications (user_id, message, type, priority, delivery_channel)
        select n.user_id, n.message, 'ai_coach_proactive', 'normal', 'in-app'
        from jsonb_to_recordset(${JSON.stringify(nudges)}::jsonb) as n(user_id uuid, message text)
        on conflict do nothing
        returning user_id`,
  );
  return rows.map((row) => row.user_id);
}

export async function queueForReview(
  tx: Executor,
  userIds: string[],
  runId: string | null,
  window: Window,
): Promise<void> {
  if (userIds.length === 0) return;
  await tx.execute(sql`
    insert into coach_reviews (user_id, reason, job_run_id, window_start, window_end)
    select u.id::uuid, 'crisis_in_window', ${runId}, ${window.start.toISOString()}::timestamptz, ${window.end.toISOString()}::timestamptz
    from jsonb_array_elements_text(${JSON.stringify(userIds)}::jsonb) as u(id)
    on conflict do nothing`);
}
