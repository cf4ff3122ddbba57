/** What the push channel did for one notification, as `GET /notifications` shows it. */
export type PushStatus = 'not_requested' | 'held' | 'queued' | 'sent' | 'delivered' | 'failed' | 'no_device';

/** Counts of one notification's deliveries per state, and the latest failure's reason. */
export interface DeliveryCounts {
  devices: number;
  queued: number;
  sent: number;
  delivered: number;
  reason: string | null;
}

export interface NotificationChannels {
  in_app: { status: 'delivered' };
  push: { status: PushStatus; reason?: string; devices: number };
}

/**
 * The row is the in-app channel, so that one is always delivered. Push, across the user's devices:
 * not requested (in-app only), held (quiet hours: `push_after` still ahead), queued (due, not fanned
 * out yet, or waiting to be sent), no device, or else the best any device reached: delivered, then
 * sent (awaiting Expo's receipt), then queued (retrying); failed (with the reason) only when every
 * device failed.
 */
export function channelsOf(
  row: { push_after: string | null; push_dispatched_at: string | null },
  counts: DeliveryCounts | undefined,
  now: Date,
): NotificationChannels {
  const in_app = { status: 'delivered' as const };
  const devices = counts?.devices ?? 0;
  if (row.push_after === null) return { in_app, push: { status: 'not_requested', devices } };
  if (row.push_dispatched_at === null) {
    const status = new Date(row.push_after) > now ? 'held' : 'queued';
    return { in_app, push: { status, devices } };
  }
  if (!counts || devices === 0) return { in_app, push: { status: 'no_device', devices: 0 } };
  if (counts.delivered > 0) return { in_app, push: { status: 'delivered', devices } };
  if (counts.sent > 0) return { in_app, push: { status: 'sent', devices } };
  if (counts.queued > 0) return { in_app, push: { status: 'queued', devices } };
  return { in_app, push: { status: 'failed', reason: counts.reason ?? 'unknown', devices } };
}
