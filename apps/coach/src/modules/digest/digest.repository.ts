import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { CoachExecutor } from '../../db/coach-database.ts';

export interface WeekWindow {
  week: string;
  /** The zone whose Sunday 20:00 closes the week for this user. */
  timeZone: string;
  start: Date;
  end: Date;
}

/** One stored zone value and its week window (`raw` null: users without a profile). */
export interface DigestDueZone {
  raw: string | null;
  zone: string;
  start: string;
  end: string;
}

/**
 * Users of the given zones with a conversation (not last week's digest call, logged after the week
 * it closed) or a mood log in their own zone's week, and
 * whether they already have its note: one set-based statement (service role). A zone's members
 * come from the profiles' time zone index and are probed through each user's own activity index.
 */
export async function findActiveUsers(
  tx: CoachExecutor,
  due: DigestDueZone[],
  week: string,
): Promise<{ user_id: string; zone: string; has_note: boolean }[]> {
  if (due.length === 0) return [];
  // Raw: the zones travel as one JSON parameter; users without a profile come from the activity.
  const { rows } = await sql<{ user_id: string; zone: string; has_note: boolean }>`
    with due as (
      select * from jsonb_to_recordset(${JSON.stringify(due)}::jsonb)
        as d(raw text, zone text, start timestamptz, "end" timestamptz)
    ),
    active as (
      select p.user_id, d.zone from due d join user_profiles p on p.timezone = d.raw
      where exists (select from ai_coach_logs l
                    where l.user_id = p.user_id and l."timestamp" >= d.start and l."timestamp" < d."end"
                      and l.source = 'ask')
         or exists (select from mood_logs m
                    where m.user_id = p.user_id and m.logged_at >= d.start and m.logged_at < d."end")
      union all
      select a.user_id, d.zone from due d
      cross join lateral (
        select user_id from ai_coach_logs
        where "timestamp" >= d.start and "timestamp" < d."end" and source = 'ask'
        union
        select user_id from mood_logs where logged_at >= d.start and logged_at < d."end"
      ) a
      where d.raw is null and not exists (select from user_profiles p where p.user_id = a.user_id)
    )
    select a.user_id, a.zone, exists (
      select from ai_coach_notes n
      where n.user_id = a.user_id and n.type = 'weekly_summary' and n.week_key = ${week}
    ) as has_note
    from active a
    order by a.user_id`.execute(tx);
  return rows;
}

/** What the summary is written from: the user's own messages and replies, and mood check-ins. */
export interface UserWeek {
  tone: string;
  /** The user's own quiet hours (HH:MM), or null for the deployment's. */
  quiet_hours_start: string | null;
  quiet_hours_end: string | null;
  display_name: string | null;
  exchanges: { at: string; user: string; coach: string }[];
  moods: { at: string; mood: number; stress: number; notes: string | null }[];
  has_note: boolean;
}

/** The user's week in one statement (the digest runs it through a one-trip scope). */
export function readUserWeek(tx: CoachExecutor, userId: string, window: WeekWindow): Promise<UserWeek> {
  const start = window.start.toISOString();
  const end = window.end.toISOString();
  // The profile, if any, in one lookup (no profile: the default tone and no name or quiet hours).
  return tx
    .selectFrom(sql<{ one: number }>`(select 1)`.as('one_row'))
    .leftJoin('user_profiles as p', (join) => join.on('p.user_id', '=', userId))
    .select((eb) => [
      eb.fn.coalesce('p.coaching_tone', sql.lit('balanced')).as('tone'),
      'p.display_name',
      'p.quiet_hours_start',
      'p.quiet_hours_end',
      jsonArrayFrom(
        eb
          .selectFrom('ai_coach_logs')
          .select([
            'timestamp as at',
            sql<string>`left(user_message, 400)`.as('user'),
            sql<string>`left(ai_response, 400)`.as('coach'),
          ])
          .where('user_id', '=', userId)
          .where('source', '=', 'ask')
          .where(({ ref }) => ref('success'))
          .where('timestamp', '>=', start)
          .where('timestamp', '<', end)
          .orderBy('timestamp')
          .limit(40),
      ).as('exchanges'),
      jsonArrayFrom(
        eb
          .selectFrom('mood_logs')
          .select(['logged_at as at', 'mood', 'stress', sql<string | null>`left(notes, 300)`.as('notes')])
          .where('user_id', '=', userId)
          .where('logged_at', '>=', start)
          .where('logged_at', '<', end)
          .orderBy('logged_at'),
      ).as('moods'),
      eb
        .exists(
          eb
            .selectFrom('ai_coach_notes')
            .select(sql.lit(1).as('one'))
            .where('user_id', '=', userId)
            .where('type', '=', 'weekly_summary')
            .where('week_key', '=', window.week),
        )
        // PostgreSQL answers `exists` with a boolean; Kysely types it for every dialect.
        .$castTo<boolean>()
        .as('has_note'),
    ])
    .executeTakeFirstOrThrow();
}

/**
 * The week's note; a second one for the same week is silently refused by the unique index.
 * Answers whether this call wrote it.
 */
export async function insertWeeklyNote(
  tx: CoachExecutor,
  note: { userId: string; week: string; text: string; flags: string[] },
): Promise<boolean> {
  const row = await tx
    .insertInto('ai_coach_notes')
    .values({
      user_id: note.userId,
      note: note.text,
      type: 'weekly_summary',
      week_key: note.week,
      flags: note.flags,
    })
    .onConflict((conflict) => conflict.columns(['user_id', 'type', 'week_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The in-app notice that the week's note is ready; push delivers it from `pushAfter`. */
export async function insertDigestNotice(tx: CoachExecutor, userId: string, pushAfter: Date): Promise<void> {
  await tx
    .insertInto('coach_notifications')
    .values({
      user_id: userId,
      message: 'Your weekly summary is ready',
      type: 'weekly_digest',
      priority: 'normal',
      delivery_channel: 'in-app',
      push_after: pushAfter.toISOString(),
    })
    .execute();
}
