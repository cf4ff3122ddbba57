import { PageQuery, pageOf } from '@ours/platform/http';
import { Type } from 'typebox';

export const NotificationsQuery = Type.Object(
  { ...PageQuery, unread_only: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
);
export type NotificationsQuery = Type.Static<typeof NotificationsQuery>;

export const Notification = Type.Object({
  id: Type.String({ format: 'uuid' }),
  message: Type.String(),
  type: Type.String(),
  read: Type.Boolean(),
  priority: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  channels: Type.Object(
    {
      in_app: Type.Object({ status: Type.Literal('delivered') }),
      push: Type.Object({
        status: Type.Union(
          [
            Type.Literal('not_requested'),
            Type.Literal('held'),
            Type.Literal('queued'),
            Type.Literal('sent'),
            Type.Literal('delivered'),
            Type.Literal('failed'),
            Type.Literal('no_device'),
          ],
          {
            description:
              'not_requested: in-app only; held: waiting for quiet hours to end; no_device: no push token; ' +
              'otherwise the furthest any device got (failed only when all failed)',
          },
        ),
        reason: Type.Optional(
          Type.String({ description: 'Why push failed, e.g. DeviceNotRegistered, expo_http_500' }),
        ),
        devices: Type.Integer({ minimum: 0, description: 'Devices the notification was sent to' }),
      }),
    },
    { description: 'Delivery state per channel' },
  ),
});
export type Notification = Type.Static<typeof Notification>;

export const NotificationsPage = pageOf(Notification);

export const NotificationParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
export type NotificationParams = Type.Static<typeof NotificationParams>;

/** Only `read` may change: the database's column privileges enforce the same rule. */
export const NotificationPatch = Type.Object({ read: Type.Boolean() }, { additionalProperties: false });
export type NotificationPatch = Type.Static<typeof NotificationPatch>;
