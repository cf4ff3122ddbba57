import { olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { sql } from 'kysely';
import type { CoachExecutor } from '../../db/coach-database.ts';
import type { DeliveryCounts } from './notification-channels.ts';

const columns = [
  'id',
  'message',
  'type',
  'read',
  'priority',
  'created_at',
  'push_after',
  'push_dispatched_at',
] as const;

/** A notification row with what its channels need. */
export interface NotificationRow {
  id: string;
  message: string;
  type: string;
  read: boolean;
  priority: string;
  created_at: string;
  push_after: string | null;
  push_dispatched_at: string | null;
}

export function listNotifications(
  tx: CoachExecutor,
  userId: string,
  options: { limit: number; cursor: Cursor | undefined; unreadOnly: boolean },
): Promise<NotificationRow[]> {
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
): Promise<NotificationRow | undefined> {
  return tx
    .updateTable('coach_notifications')
    .set({ read })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirst();
}

/**
 * Per notification, how many push deliveries are in each state (service role: deliveries are not
 * the user's to read). `userId` bounds it to the caller's own rows whatever ids are passed.
 */
export async function deliveryCounts(
  tx: CoachExecutor,
  userId: string,
  notificationIds: string[],
): Promise<Map<string, DeliveryCounts>> {
  if (notificationIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('push_deliveries')
    .select((eb) => [
      'notification_id',
      eb.fn.countAll<number>().as('devices'),
      sql<number>`count(*) FILTER (WHERE status = 'queued')`.as('queued'),
      sql<number>`count(*) FILTER (WHERE status = 'sent')`.as('sent'),
      sql<number>`count(*) FILTER (WHERE status = 'delivered')`.as('delivered'),
      sql<
        string | null
      >`(array_agg(reason ORDER BY finished_at DESC NULLS LAST) FILTER (WHERE status = 'failed'))[1]`.as(
        'reason',
      ),
    ])
    .where('user_id', '=', userId)
    .where('notification_id', 'in', notificationIds)
    .groupBy('notification_id')
    .execute();
  return new Map(
    rows.map((row) => [
      row.notification_id,
      {
        devices: Number(row.devices),
        queued: Number(row.queued),
        sent: Number(row.sent),
        delivered: Number(row.delivered),
        reason: row.reason,
      },
    ]),
  );
}
