import type { VerifiedUser } from '@ours/platform/auth';
import { asUser, queryAs } from '@ours/platform/db';
import { NotFoundError } from '@ours/platform/errors';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { userPage } from '../shared/user-page.ts';
import { channelsOf } from './notification-channels.ts';
import {
  deliveryCounts,
  listNotifications,
  type NotificationRow,
  setNotificationRead,
} from './notifications.repository.ts';
import type { Notification, NotificationsQuery } from './notifications.schema.ts';

/** One page of the user's notifications, each with its per-channel delivery state. */
export async function notificationsPage(
  ctx: AppContext,
  user: VerifiedUser,
  query: NotificationsQuery,
): Promise<{ items: Notification[]; next_cursor: string | null }> {
  const page = await userPage(
    ctx,
    user,
    query,
    (tx, userId, limit, cursor) =>
      listNotifications(tx, userId, { limit, cursor, unreadOnly: query.unread_only ?? false }),
    (row) => row.created_at,
  );
  const withChannels = await channelsFor(ctx, user.id, page.items);
  return { items: page.items.map(withChannels), next_cursor: page.next_cursor };
}

export async function markNotificationRead(
  ctx: AppContext,
  user: VerifiedUser,
  id: string,
  read: boolean,
): Promise<Notification> {
  const updated = await asUser(ctx.db, user, (tx) => setNotificationRead(tx, id, read));
  if (!updated) throw new NotFoundError('notification_not_found', 'No such notification');
  const withChannels = await channelsFor(ctx, user.id, [updated]);
  return withChannels(updated);
}

/**
 * The rows were read through row-level security as the user; their deliveries are read for them.
 * Returns what turns one of those rows into a notification with its per-channel state.
 */
async function channelsFor(
  ctx: AppContext,
  userId: string,
  rows: NotificationRow[],
): Promise<(row: NotificationRow) => Notification> {
  const pushRows = rows.filter((row) => row.push_dispatched_at !== null).map((row) => row.id);
  const counts = await deliveryCounts(queryAs(ctx.db, serviceRole), userId, pushRows);
  const now = ctx.now();
  return ({ push_after, push_dispatched_at, ...row }) => ({
    ...row,
    channels: channelsOf({ push_after, push_dispatched_at }, counts.get(row.id), now),
  });
}
