import { olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import type { CoachExecutor } from '../../db/coach-database.ts';
import type { Notification } from './notifications.schema.ts';

const columns = ['id', 'message', 'type', 'read', 'priority', 'created_at'] as const;

export function listNotifications(
  tx: CoachExecutor,
  userId: string,
  options: { limit: number; cursor: Cursor | undefined; unreadOnly: boolean },
): Promise<Notification[]> {
  const { cursor } = options;
  let query = tx.selectFrom('coach_notifications').select(columns).where('user_id', '=', userId);
  if (options.unreadOnly) query = query.where(({ not, ref }) => not(ref('read')));
  if (cursor) query = query.where(({ ref }) => olderThan(ref('created_at'), ref('id'), cursor));
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
}

/** Row-level security decides which rows are visible; nothing found means not yours or not there. */
export function setNotificationRead(
  tx: CoachExecutor,
  id: string,
  read: boolean,
): Promise<Notification | undefined> {
  return tx
    .updateTable('coach_notifications')
    .set({ read })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirst();
}
