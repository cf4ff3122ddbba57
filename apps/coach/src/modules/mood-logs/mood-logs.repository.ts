import type { CoachExecutor } from '../../db/coach-database.ts';
import type { MoodLog } from './mood-logs.schema.ts';

const columns = ['id', 'mood', 'stress', 'notes', 'logged_at', 'created_at'] as const;

/** `loggedAt` left out means now (the column's default). */
export function insertMoodLog(
  tx: CoachExecutor,
  userId: string,
  input: { mood: number; stress: number; notes: string | null; loggedAt: string | undefined },
): Promise<MoodLog> {
  return tx
    .insertInto('mood_logs')
    .values({
      user_id: userId,
      mood: input.mood,
      stress: input.stress,
      notes: input.notes,
      logged_at: input.loggedAt,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export function listMoodLogs(
  tx: CoachExecutor,
  userId: string,
  range: { from: string | undefined; to: string | undefined; limit: number },
): Promise<MoodLog[]> {
  let query = tx.selectFrom('mood_logs').select(columns).where('user_id', '=', userId);
  if (range.from) query = query.where('logged_at', '>=', range.from);
  if (range.to) query = query.where('logged_at', '<', range.to);
  return query.orderBy('logged_at', 'desc').orderBy('id', 'desc').limit(range.limit).execute();
}
