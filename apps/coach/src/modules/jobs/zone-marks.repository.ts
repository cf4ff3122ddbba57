import { sql } from 'kysely';
import type { CoachExecutor } from '../../db/coach-database.ts';

/**
 * Every distinct `user_profiles.timezone`, as a loose index scan: one probe of the
 * (timezone, user_id) index per zone in use (a few hundred), whatever the number of profiles.
 */
export async function zonesInUse(tx: CoachExecutor): Promise<string[]> {
  // Raw: a recursive CTE that skips from one zone to the next through the index.
  const { rows } = await sql<{ zone: string }>`
    with recursive zones(zone) as (
      (select timezone from user_profiles order by timezone limit 1)
      union all
      select (select p.timezone from user_profiles p where p.timezone > z.zone order by p.timezone limit 1)
      from zones z where z.zone is not null
    )
    select zone from zones where zone is not null`.execute(tx);
  return rows.map((row) => row.zone);
}

export interface ZoneMark {
  time_zone: string;
  status_checked_on: string | null;
  digest_week: string | null;
}

/** Every zone's marks (one row per zone that ever ran: a few hundred at most). */
export function readZoneMarks(tx: CoachExecutor): Promise<ZoneMark[]> {
  return tx
    .selectFrom('schedule_zone_marks')
    .select(['time_zone', 'status_checked_on', 'digest_week'])
    .execute();
}

/**
 * Moves each zone's mark forward to its new value, only where it is behind, and answers the zones
 * it moved: those this transaction now owns. A concurrent claim of the same zone waits for this
 * transaction and then finds the mark no longer behind.
 */
export async function claimZones(
  tx: CoachExecutor,
  column: 'status_checked_on' | 'digest_week',
  claims: { zone: string; value: string }[],
): Promise<string[]> {
  if (claims.length === 0) return [];
  const type = column === 'status_checked_on' ? sql`date` : sql`text`;
  const target = sql.ref(column);
  // Raw: a compare-and-set upsert over a JSON list; sorted, so two claimants lock in one order.
  const { rows } = await sql<{ time_zone: string }>`
    insert into schedule_zone_marks as m (time_zone, ${target})
    select c.zone, c.value::${type}
    from jsonb_to_recordset(${JSON.stringify(claims)}::jsonb) as c(zone text, value text)
    order by c.zone
    on conflict (time_zone) do update set ${target} = excluded.${target}, updated_at = now()
    where m.${target} is null or m.${target} < excluded.${target}
    returning time_zone`.execute(tx);
  return rows.map((row) => row.time_zone);
}

/** Puts digest marks back (the users could not be queued: the next tick tries again). */
export async function restoreDigestMarks(
  tx: CoachExecutor,
  marks: { zone: string; week: string | null }[],
): Promise<void> {
  if (marks.length === 0) return;
  await sql`
    update schedule_zone_marks m set digest_week = r.week, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(marks)}::jsonb) as r(zone text, week text)
    where m.time_zone = r.zone`.execute(tx);
}

/** The zones' marks for the admin view, latest first (bounded: one row per zone in use). */
export function listZoneMarks(tx: CoachExecutor) {
  return tx
    .selectFrom('schedule_zone_marks')
    .select(['time_zone', 'status_checked_on', 'digest_week', 'updated_at'])
    .orderBy('updated_at', 'desc')
    .orderBy('time_zone')
    .limit(1000)
    .execute();
}
