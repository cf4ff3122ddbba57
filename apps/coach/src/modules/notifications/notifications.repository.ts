import { type Executor, olderThan, queryRows } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { sql } from 'drizzle-orm';
import type { Notification } from './notifications.schema.ts';

const columns = sql`id, message, type, read, priority, to_json(created_at) #>> '{}' as created_at`;

export async function listNotifications(
  tx: Executor,
  userId: string,
  options: { limit: number; cursor: Cursor | undefined; unreadOnly: boolean },
) {
  const unread = options.unreadOnly ? sql`and not read` : sql``;
  const rows = await queryRows<Notification>(
    tx,
    sql`
    select ${columns} from coach_notifications
    where user_id = ${userId} ${unread} ${olderThan(options.cursor, sql`created_at`)}
    order by created_at desc, id desc
    limit ${options.limit + 1}`,
  );
  return rows;
}

/** Row-level security decides which rows are visible; nothing found means not yours or not there. */
export async function setNotificationRead(
  tx: Executor,
  id: string,
  read: boolean,
): Promise<Notification | undefined> {
  const rows = await queryRows<Notification>(
    tx,
    sql`
    update coach_notifications set read = ${read} where id = ${id} returning ${columns}`,
  );
  return rows[0];
}
