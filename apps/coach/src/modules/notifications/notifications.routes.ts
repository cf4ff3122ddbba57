import { asUser } from '@ours/platform/db';
import { NotFoundError } from '@ours/platform/errors';
import { errorResponses, type RouteScope } from '@ours/platform/http';
import type { AppContext } from '../../context.ts';
import { userPage } from '../shared/user-page.ts';
import { listNotifications, setNotificationRead } from './notifications.repository.ts';
import {
  Notification,
  NotificationParams,
  NotificationPatch,
  NotificationsPage,
  NotificationsQuery,
} from './notifications.schema.ts';

export async function notificationRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  const security = [{ bearerAuth: [] }];
  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: "The user's coach notifications, newest first",
        operationId: 'listNotifications',
        security,
        querystring: NotificationsQuery,
        response: { 200: NotificationsPage, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      return userPage(
        ctx,
        request.user,
        request.query,
        (tx, userId, limit, cursor) =>
          listNotifications(tx, userId, { limit, cursor, unreadOnly: request.query.unread_only ?? false }),
        (row) => row.created_at,
      );
    },
  );

  app.patch(
    '/notifications/:id',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark a notification read or unread',
        operationId: 'updateNotification',
        security,
        params: NotificationParams,
        body: NotificationPatch,
        response: { 200: Notification, ...errorResponses(400, 401, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      const updated = await asUser(ctx.db, request.user, (tx) =>
        setNotificationRead(tx, request.params.id, request.body.read),
      );
      if (!updated) throw new NotFoundError('notification_not_found', 'No such notification');
      return updated;
    },
  );
}
