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
