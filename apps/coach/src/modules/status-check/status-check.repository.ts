import { sql } from 'kysely';
import type { CoachExecutor } from '../../db/coach-database.ts';

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
export async function findStressedUsers(tx: CoachExecutor, window: Window): Promise<StressedUser[]> {
  // Raw: a union of both sources grouped by local day, with the partial indexes' predicates
  // (`stress >= 7 or mood <= 3`, `stress_signal`) written as literals so the planner can use them.
  const { rows } = await sql<StressedUser>`
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
    select user_id, count(distinct day) as days, bool_or(mood) as mood, bool_or(chat) as chat
    from stressed_days
    group by user_id
    having count(distinct day) >= 2`.execute(tx);
  return rows;
}

/** Users whose window holds a crisis flag: a person reviews them, nothing automated reaches them. */
export async function findCrisisUsers(tx: CoachExecutor, window: Window): Promise<string[]> {
  const rows = await tx
    .selectFrom('ai_coach_logs')
    .select('user_id')
    .distinct()
    .where('timestamp', '>=', window.start.toISOString())
    .where('timestamp', '<', window.end.toISOString())
    // A literal, as in the partial index's predicate.
    .where(sql<boolean>`issues @> '{crisis}'`)
    .execute();
  return rows.map((row) => row.user_id);
}

/**
 * Inserts the nudges in one statement. The exclusion constraint refuses a second nudge within 72
 * hours (even from a concurrent run), and those rows are skipped, not errors. Returns who got one.
 */
export async function insertNudges(
  tx: CoachExecutor,
  nudges: { user_id: string; message: string }[],
): Promise<string[]> {
  if (nudges.length === 0) return [];
  // Raw: every nudge travels as one JSON parameter (jsonb_to_recordset), however many users.
  const { rows } = await sql<{ user_id: string }>`
    insert into coach_notifications (user_id, message, type, priority, delivery_channel)
    select n.user_id, n.message, 'ai_coach_proactive', 'normal', 'in-app'
    from jsonb_to_recordset(${JSON.stringify(nudges)}::jsonb) as n(user_id uuid, message text)
    on conflict do nothing
    returning user_id`.execute(tx);
  return rows.map((row) => row.user_id);
}

export async function queueForReview(
  tx: CoachExecutor,
  userIds: string[],
  runId: string | null,
  window: Window,
): Promise<string[]> {
  if (userIds.length === 0) return [];
  // Raw: the users travel as one JSON parameter, however many there are. Returns the new entries.
  const { rows } = await sql<{ id: string }>`
    insert into coach_reviews (user_id, reason, job_run_id, window_start, window_end)
    select u.id::uuid, 'crisis_in_window', ${runId}, ${window.start.toISOString()}::timestamptz, ${window.end.toISOString()}::timestamptz
    from jsonb_array_elements_text(${JSON.stringify(userIds)}::jsonb) as u(id)
    on conflict do nothing
    returning id`.execute(tx);
  return rows.map((row) => row.id);
}
