import { olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import type { CoachExecutor } from '../../db/coach-database.ts';
import type { HistoryItem } from './history.schema.ts';

export function listExchanges(
  tx: CoachExecutor,
  userId: string,
  limit: number,
  cursor: Cursor | undefined,
): Promise<HistoryItem[]> {
  let query = tx
    .selectFrom('ai_coach_logs')
    .select(['id', 'session_id', 'user_message', 'ai_response', 'success', 'topic', 'timestamp'])
    .where('user_id', '=', userId)
    // The conversation only: the weekly digest's model calls are logged here too.
    .where('source', '=', 'ask');
  if (cursor) query = query.where(({ ref }) => olderThan(ref('timestamp'), ref('id'), cursor));
  return query
    .orderBy('timestamp', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}
