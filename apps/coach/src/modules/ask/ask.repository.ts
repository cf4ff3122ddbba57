import { sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { CoachExecutor } from '../../db/coach-database.ts';
import { type MemoryQuery, relevantMemories } from '../memory/index.ts';

/** The user's own context for the prompt, read in one statement through row-level security. */
export interface UserContext {
  profile: {
    display_name: string | null;
    timezone: string;
    goals: string[];
    coaching_tone: string;
    injuries: string[];
    conditions: string[];
  } | null;
  mood_logs: { mood: number; stress: number; notes: string | null; logged_at: string }[];
  weekly_note: { note: string; created_at: string } | null;
  memories: { text: string; at: string }[];
}

/**
 * The user's context, memories included, as ONE statement: /ask runs it through a one-trip scope
 * as the user (ADR 0003), so it must not need a second.
 */
export function readUserContext(
  tx: CoachExecutor,
  userId: string,
  memoryQuery: MemoryQuery,
): Promise<UserContext> {
  return tx
    .selectNoFrom((eb) => [
      jsonObjectFrom(
        eb
          .selectFrom('user_profiles')
          .select(['display_name', 'timezone', 'goals', 'coaching_tone', 'injuries', 'conditions'])
          .where('user_id', '=', userId),
      ).as('profile'),
      jsonArrayFrom(
        eb
          .selectFrom('mood_logs')
          .select(['mood', 'stress', sql<string | null>`left(notes, 280)`.as('notes'), 'logged_at'])
          .where('user_id', '=', userId)
          .where('logged_at', '>', sql<string>`now() - interval '14 days'`)
          .orderBy('logged_at', 'desc')
          .limit(7),
      ).as('mood_logs'),
      jsonObjectFrom(
        eb
          .selectFrom('ai_coach_notes')
          .select([sql<string>`left(note, 1500)`.as('note'), 'created_at'])
          .where('user_id', '=', userId)
          .where('type', '=', 'weekly_summary')
          .orderBy('created_at', 'desc')
          .limit(1),
      ).as('weekly_note'),
      jsonArrayFrom(relevantMemories(tx, userId, memoryQuery)).as('memories'),
    ])
    .executeTakeFirstOrThrow();
}
