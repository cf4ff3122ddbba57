import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { CoachExecutor } from '../../db/coach-database.ts';

export interface WeekWindow {
  week: string;
  start: Date;
  end: Date;
}

/**
 * Users with a conversation or a mood log in the week, and whether they already have its note: one
 * set-based statement for every user (service role).
 */
export function findActiveUsers(
  tx: CoachExecutor,
  window: WeekWindow,
): Promise<{ user_id: string; has_note: boolean }[]> {
  const start = window.start.toISOString();
  const end = window.end.toISOString();
  return tx
    .with('active', (db) =>
      db
        .selectFrom('ai_coach_logs')
        .select('user_id')
        .where('timestamp', '>=', start)
        .where('timestamp', '<', end)
        .union(
          db
            .selectFrom('mood_logs')
            .select('user_id')
            .where('logged_at', '>=', start)
            .where('logged_at', '<', end),
        ),
    )
    .selectFrom('active as a')
    .select((eb) => [
      'a.user_id',
      eb
        .exists(
          eb
            .selectFrom('ai_coach_notes as n')
            .select(sql.lit(1).as('one'))
            .whereRef('n.user_id', '=', 'a.user_id')
            .where('n.type', '=', 'weekly_summary')
            .where('n.week_key', '=', window.week),
        )
        // PostgreSQL answers `exists` with a boolean; Kysely types it for every dialect.
        .$castTo<boolean>()
        .as('has_note'),
    ])
    .orderBy('a.user_id')
    .execute();
}

/** What the summary is written from: the user's own messages and replies, and mood check-ins. */
export interface UserWeek {
  tone: string;
  display_name: string | null;
  exchanges: { at: string; user: string; coach: string }[];
  moods: { at: string; mood: number; stress: number; notes: string | null }[];
  has_note: boolean;
}

/** The user's week in one statement (the digest runs it through a one-trip scope). */
export function readUserWeek(tx: CoachExecutor, userId: string, window: WeekWindow): Promise<UserWeek> {
  const start = window.start.toISOString();
  const end = window.end.toISOString();
  return tx
    .selectNoFrom((eb) => [
      eb.fn
        .coalesce(
          eb.selectFrom('user_profiles').select('coaching_tone').where('user_id', '=', userId),
          sql.lit('balanced'),
        )
        .as('tone'),
      eb.selectFrom('user_profiles').select('display_name').where('user_id', '=', userId).as('display_name'),
      jsonArrayFrom(
        eb
          .selectFrom('ai_coach_logs')
          .select([
            'timestamp as at',
            sql<string>`left(user_message, 400)`.as('user'),
            sql<string>`left(ai_response, 400)`.as('coach'),
          ])
          .where('user_id', '=', userId)
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
