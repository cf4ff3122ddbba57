import { sql } from 'kysely';
import type { CoachExecutor } from '../../db/coach-database.ts';

/**
 * One stored zone value due for a check: its users' local date and the boundaries of the three
 * whole local days before it (`d1`..`d4`, instants computed in Node, so SQL never needs to know a
 * zone name). `raw` null stands for users without a profile.
 */
export interface DueZone {
  raw: string | null;
  zone: string;
  local_date: string;
  d1: string;
  d2: string;
  d3: string;
  d4: string;
}

export interface StatusCandidate {
  user_id: string;
  zone: string;
  local_date: string;
  window_start: string;
  window_end: string;
  /** Distinct stressed local days in the window (0..3). */
  days: number;
  mood: boolean;
  chat: boolean;
  crisis: boolean;
  /** The user's own quiet hours (HH:MM), or null for the deployment's. */
  quiet_hours_start: string | null;
  quiet_hours_end: string | null;
  /** Checked already for this local date (or a later one): left alone. */
  already_checked: boolean;
}

/**
 * Users of the due zones with 2+ stressed local days or a crisis in their own window, and whether
 * they were already checked for that local date: one set-based statement. A day is stressed by a mood check-in
 * (stress 7+ or mood 3 or less) or by the user's own message flagged when it was written. The
 * partial indexes' predicates are written as literals so the planner can use them.
 */
export async function findStatusCandidates(tx: CoachExecutor, due: DueZone[]): Promise<StatusCandidate[]> {
  if (due.length === 0) return [];
  const zoneNames = due.flatMap((zone) => (zone.raw === null ? [] : [zone.raw]));
  // Users without a profile are found through their stressed rows, only when their zone is due.
  const withoutProfile = due.some((zone) => zone.raw === null);
  const noProfileMembers = sql`
      union all
      select s.user_id, d.zone, d.local_date, d.d1, d.d2, d.d3, d.d4, null, null
      from due d join (select distinct user_id from signals) s on d.raw is null
      where not exists (select from user_profiles p where p.user_id = s.user_id)`;
  // A few thousand rows: parallel workers cost more to start than they save (and starve on a
  // busy machine).
  await sql`set local max_parallel_workers_per_gather = 0`.execute(tx);
  // ISO instants in UTC sort as text: the range that covers every due zone's window.
  const from = due.map((zone) => zone.d1).sort()[0];
  const to = due
    .map((zone) => zone.d4)
    .sort()
    .at(-1);
  // Raw: the due zones travel as one JSON parameter; members (profiles of those zones, or users
  // without a profile) meet the stressed rows of the covering range and are cut to their own window.
  const { rows } = await sql<StatusCandidate>`
    with due as (
      select * from jsonb_to_recordset(${JSON.stringify(due)}::jsonb) as d(
        raw text, zone text, local_date date, d1 timestamptz, d2 timestamptz, d3 timestamptz, d4 timestamptz)
    ),
    signals as not materialized (
      select user_id, logged_at as at, 'mood' as kind from mood_logs
      where logged_at >= ${from}::timestamptz and logged_at < ${to}::timestamptz and (stress >= 7 or mood <= 3)
      union all
      select user_id, "timestamp", 'chat' from ai_coach_logs
      where "timestamp" >= ${from}::timestamptz and "timestamp" < ${to}::timestamptz and stress_signal
      union all
      select user_id, "timestamp", 'crisis' from ai_coach_logs
      where "timestamp" >= ${from}::timestamptz and "timestamp" < ${to}::timestamptz and issues @> '{crisis}'
    ),
    members as (
      select p.user_id, d.zone, d.local_date, d.d1, d.d2, d.d3, d.d4, p.quiet_hours_start, p.quiet_hours_end
      from due d join user_profiles p on p.timezone = d.raw
      -- The zones again as an array: the planner then estimates the members from the column's
      -- statistics (a few thousand for one zone: probe each user's rows; many: one range scan).
      where p.timezone = any(${zoneNames}::text[])
      ${withoutProfile ? noProfileMembers : sql``}
    ),
    per_user as (
      select m.user_id, m.zone, m.local_date, m.d1, m.d4, m.quiet_hours_start, m.quiet_hours_end,
        count(distinct case when s.kind <> 'crisis' then
          case when s.at < m.d2 then 1 when s.at < m.d3 then 2 else 3 end end)::int as days,
        bool_or(s.kind = 'mood') as mood, bool_or(s.kind = 'chat') as chat, bool_or(s.kind = 'crisis') as crisis
      from members m join signals s on s.user_id = m.user_id and s.at >= m.d1 and s.at < m.d4
      group by m.user_id, m.zone, m.local_date, m.d1, m.d4, m.quiet_hours_start, m.quiet_hours_end
    )
    select c.user_id, c.zone, c.local_date::text as local_date, c.d1 as window_start, c.d4 as window_end,
      c.days, c.mood, c.chat, c.crisis, c.quiet_hours_start, c.quiet_hours_end, coalesce(k.status_checked_on >= c.local_date, false) as already_checked
    from per_user c
    left join user_schedule_marks k on k.user_id = c.user_id
    where c.days >= 2 or c.crisis
    order by c.user_id`.execute(tx);
  return rows;
}

/**
 * Records each user's check at their local date, only where their mark is behind it (a user whose
 * new zone's date was already checked in the old one stays behind). Answers the users this
 * transaction marked: the others were checked already (or by a concurrent run) and are left alone.
 */
export async function markChecked(
  tx: CoachExecutor,
  users: { user_id: string; local_date: string; zone: string }[],
): Promise<Set<string>> {
  if (users.length === 0) return new Set();
  // Raw: compare-and-set upsert over one JSON parameter, in user order (no lock-order deadlocks).
  const { rows } = await sql<{ user_id: string }>`
    insert into user_schedule_marks as k (user_id, status_checked_on, time_zone)
    select u.user_id, u.local_date, u.zone
    from jsonb_to_recordset(${JSON.stringify(users)}::jsonb) as u(user_id uuid, local_date date, zone text)
    order by u.user_id
    on conflict (user_id) do update
      set status_checked_on = excluded.status_checked_on, time_zone = excluded.time_zone, updated_at = now()
    where k.status_checked_on < excluded.status_checked_on
    returning user_id`.execute(tx);
  return new Set(rows.map((row) => row.user_id));
}

/**
 * Inserts the nudges in one statement. The exclusion constraint refuses a second nudge within 72
 * hours (even from a concurrent run), and those rows are skipped, not errors. Returns who got one.
 */
export async function insertNudges(
  tx: CoachExecutor,
  nudges: { user_id: string; message: string; push_after: string }[],
): Promise<string[]> {
  if (nudges.length === 0) return [];
  // Raw: every nudge travels as one JSON parameter (jsonb_to_recordset), however many users.
  const { rows } = await sql<{ user_id: string }>`
    insert into coach_notifications (user_id, message, type, priority, delivery_channel, push_after)
    select n.user_id, n.message, 'ai_coach_proactive', 'normal', 'in-app', n.push_after
    from jsonb_to_recordset(${JSON.stringify(nudges)}::jsonb) as n(user_id uuid, message text, push_after timestamptz)
    order by n.user_id
    on conflict do nothing
    returning user_id`.execute(tx);
  return rows.map((row) => row.user_id);
}

/** Queues users with a crisis in their window for a person to review. Returns the new entries. */
export async function queueForReview(
  tx: CoachExecutor,
  users: { user_id: string; window_start: string; window_end: string }[],
  runId: string | null,
): Promise<string[]> {
  if (users.length === 0) return [];
  // Raw: the users travel as one JSON parameter, however many there are.
  const { rows } = await sql<{ id: string }>`
    insert into coach_reviews (user_id, reason, job_run_id, window_start, window_end)
    select u.user_id, 'crisis_in_window', ${runId}, u.window_start, u.window_end
    from jsonb_to_recordset(${JSON.stringify(users)}::jsonb)
      as u(user_id uuid, window_start timestamptz, window_end timestamptz)
    on conflict do nothing
    returning id`.execute(tx);
  return rows.map((row) => row.id);
}
