import { olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import type { CoachExecutor } from '../../db/coach-database.ts';
import type { Note } from './notes.schema.ts';

export function listNotes(
  tx: CoachExecutor,
  userId: string,
  limit: number,
  cursor: Cursor | undefined,
): Promise<Note[]> {
  let query = tx
    .selectFrom('ai_coach_notes')
    .select(['id', 'note', 'type', 'created_at'])
    .where('user_id', '=', userId);
  if (cursor) query = query.where(({ ref }) => olderThan(ref('created_at'), ref('id'), cursor));
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}
