import { asUser } from '@ours/platform/db';
import { NotFoundError } from '@ours/platform/errors';
import { decodeCursor, toPage } from '@ours/platform/http';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { listNotifications, setNotificationRead } from './notifications.repository.ts';
import {
  Notification,
  NotificationParams,
  NotificationPatch,
  NotificationsPage,
  NotificationsQuery,
} from './notifications.schema.ts';

export async function notificationRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const security = [{ bearerAuth: [] }];
  app.get<{ Querystring: NotificationsQuery }>(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: "The user's coach notifications, newest first",
        security,
        querystring: NotificationsQuery,
        response: { 200: NotificationsPage },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 20;
      const cursor = request.query.cursor ? decodeCursor(request.query.cursor) : undefined;
      const unreadOnly = request.query.unread_only ?? false;
      const rows = await asUser(ctx.db, request.user, (tx) =>
        listNotifications(tx, request.user.id, { limit, cursor, unreadOnly }),
      );
      return toPage(rows, limit, (row) => row.created_at);
    },
  );

  app.patch<{ Params: NotificationParams; Body: NotificationPatch }>(
    '/notifications/:id',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark a notification read or unread',
        security,
        params: NotificationParams,
        body: NotificationPatch,
        response: { 200: Notification },
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
