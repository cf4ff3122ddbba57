import { errorResponses, type RouteScope } from '@ours/platform/http';
import type { AppContext } from '../../context.ts';
import {
  Notification,
  NotificationParams,
  NotificationPatch,
  NotificationsPage,
  NotificationsQuery,
} from './notifications.schema.ts';
import { markNotificationRead, notificationsPage } from './notifications.service.ts';

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
    async (request) => notificationsPage(ctx, request.user, request.query),
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
    async (request) => markNotificationRead(ctx, request.user, request.params.id, request.body.read),
  );
}
