import { type Executor, queryRows, textArray } from '@ours/platform/db';
import { type SQL, sql } from 'drizzle-orm';

export interface WeekWindow {
  week: string;
  start: Date;
  end: Date;
}

/** Users with a conversation or a mood log in the week, and whether they already have its note. */
export function findActiveUsers(
  tx: Executor,
  window: WeekWindow,
): Promise<{ user_id: string; has_note: boolean }[]> {
  const start = window.start.toISOString();
  const end = window.end.toISOString();
  return queryRows(
    tx,
    sql`
    with active as (
      select user_id from ai_coach_logs where "timestamp" >= ${start}::timestamptz and "timestamp" < ${end}::timestamptz
      union
      select user_id from mood_logs where logged_at >= ${start}::timestamptz and logged_at < ${end}::timestamptz
    )
    select a.user_id, exists (
      select 1 from ai_coach_notes n where n.user_id = a.user_id and n.type = 'weekly_summary' and n.week_key = ${window.week}
    ) as has_note
    from active a order by a.user_id`,
  );
}

export interface UserWeek {
  tone: string;
  display_name: string | null;
  exchanges: { at: string; user: string; coach: string }[];
  moods: { at: string; mood: number; stress: number; notes: string | null }[];
  has_note: boolean;
}

/** What the summary is written from: the user's own messages and replies, and mood check-ins. */
export function userWeekQuery(userId: string, window: WeekWindow): SQL {
  const start = window.start.toISOString();
  const end = window.end.toISOString();
  return sql`
    select
      coalesce((select coaching_tone from user_profiles where user_id = ${userId}), 'balanced') as tone,
      (select display_name from user_profiles where user_id = ${userId}) as display_name,
      coalesce((select json_agg(e) from (
        select to_json("timestamp") #>> '{}' as at, left(user_message, 400) as user, left(ai_response, 400) as coach
        from ai_coach_logs
        where user_id = ${userId} and success and "timestamp" >= ${start}::timestamptz and "timestamp" < ${end}::timestamptz
        order by "timestamp" limit 40) e), '[]'::json) as exchanges,
      coalesce((select json_agg(m) from (
        select to_json(logged_at) #>> '{}' as at, mood, stress, left(notes, 300) as notes
        from mood_logs
        where user_id = ${userId} and logged_at >= ${start}::timestamptz and logged_at < ${end}::timestamptz
        order by logged_at) m), '[]'::json) as moods,
      exists (select 1 from ai_coach_notes where user_id = ${userId} and type = 'weekly_summary' and week_key = ${window.week}) as has_note`;
}

/** The week's note; a second one for the same week is silently refused by the unique index. */
export function weeklyNoteInsert(note: { userId: string; week: string; text: string; flags: string[] }): SQL {
  return sql`insert into ai_coach_notes (user_id, note, type, week_key, flags)
        values (${note.userId}, ${note.text}, 'weekly_summary', ${note.week}, ${textArray(note.flags)})
        on conflict (user_id, type, week_key) do nothing
        returning id`;
}
