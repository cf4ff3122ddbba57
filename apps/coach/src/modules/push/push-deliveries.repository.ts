import { sql } from 'kysely';
import type { CoachExecutor } from '../../db/coach-database.ts';
import { countTokens } from './push-tokens.repository.ts';

/** A queued message taken for sending; `token` is null once the device's token was removed. */
export interface ClaimedMessage {
  id: string;
  token_id: string | null;
  token: string | null;
  attempts: number;
  notification_id: string;
  message: string;
  type: string;
}

/** A sent message taken for its receipt check. */
export interface ClaimedReceipt {
  id: string;
  token_id: string | null;
  ticket_id: string;
  sent_at: string;
  receipt_checks: number;
}

/** A delivery's next state; `next_attempt_at` only for `queued` (retry) and `sent` (receipt check). */
export interface DeliveryUpdate {
  id: string;
  status: 'queued' | 'sent' | 'delivered' | 'failed';
  ticket_id?: string | undefined;
  reason?: string | undefined;
  next_attempt_at?: string | undefined;
}

/**
 * Fans out due notifications (push_after reached, not yet dispatched): one queued delivery per
 * token the user has, and the notification marked dispatched, in one statement. SKIP LOCKED lets
 * two instances fan out side by side without taking the same rows.
 */
export async function fanOutDue(
  tx: CoachExecutor,
  now: Date,
  limit: number,
): Promise<{ notifications: number; deliveries: number }> {
  const at = now.toISOString();
  const { rows } = await sql<{ notifications: number; deliveries: number }>`
    WITH due AS (
      SELECT id, user_id FROM public.coach_notifications
      WHERE push_after <= ${at}::timestamptz AND push_dispatched_at IS NULL
      ORDER BY push_after LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ), marked AS (
      UPDATE public.coach_notifications n SET push_dispatched_at = ${at}::timestamptz
      FROM due WHERE n.id = due.id
      RETURNING n.id, n.user_id
    ), inserted AS (
      INSERT INTO public.push_deliveries (notification_id, token_id, user_id, next_attempt_at, created_at)
      SELECT m.id, t.id, m.user_id, ${at}::timestamptz, ${at}::timestamptz
      FROM marked m JOIN public.push_tokens t ON t.user_id = m.user_id
      ON CONFLICT DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM marked)::int AS notifications, (SELECT count(*) FROM inserted)::int AS deliveries
  `.execute(tx);
  return rows[0] ?? { notifications: 0, deliveries: 0 };
}

/**
 * Leases up to `limit` queued messages that are due: one statement, so the lease is visible to every
 * other worker at once, and SKIP LOCKED keeps two workers from taking the same row. The attempt is
 * counted here, so a worker that dies mid-send still uses one up. A run acts at one `now` from its
 * start, so the lease runs from the database's clock when that is later: a long run's last batches
 * stay leased for the full term.
 */
export async function claimQueued(
  tx: CoachExecutor,
  now: Date,
  limit: number,
  leaseSeconds: number,
): Promise<ClaimedMessage[]> {
  const at = now.toISOString();
  const { rows } = await sql<ClaimedMessage>`
    WITH picked AS (
      SELECT id FROM public.push_deliveries
      WHERE status = 'queued' AND next_attempt_at <= ${at}::timestamptz
        AND (leased_until IS NULL OR leased_until < ${at}::timestamptz)
      ORDER BY next_attempt_at LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE public.push_deliveries d
      SET leased_until = greatest(clock_timestamp(), ${at}::timestamptz) + make_interval(secs => ${leaseSeconds}), attempts = d.attempts + 1
      FROM picked WHERE d.id = picked.id
      RETURNING d.id, d.token_id, d.attempts, d.notification_id
    )
    SELECT c.id, c.token_id, t.token, c.attempts, c.notification_id, n.message, n.type
    FROM claimed c
    JOIN public.coach_notifications n ON n.id = c.notification_id
    LEFT JOIN public.push_tokens t ON t.id = c.token_id
  `.execute(tx);
  return rows;
}

/** Leases up to `limit` sent messages whose receipt check is due. */
export async function claimReceiptsDue(
  tx: CoachExecutor,
  now: Date,
  limit: number,
  leaseSeconds: number,
): Promise<ClaimedReceipt[]> {
  const at = now.toISOString();
  const { rows } = await sql<ClaimedReceipt>`
    WITH picked AS (
      SELECT id FROM public.push_deliveries
      WHERE status = 'sent' AND next_attempt_at <= ${at}::timestamptz AND ticket_id IS NOT NULL
        AND (leased_until IS NULL OR leased_until < ${at}::timestamptz)
      ORDER BY next_attempt_at LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE public.push_deliveries d
    SET leased_until = greatest(clock_timestamp(), ${at}::timestamptz) + make_interval(secs => ${leaseSeconds}),
        receipt_checks = d.receipt_checks + 1
    FROM picked WHERE d.id = picked.id
    RETURNING d.id, d.token_id, d.ticket_id, d.sent_at, d.receipt_checks
  `.execute(tx);
  return rows;
}

/** Applies many deliveries' next states in one statement and releases their leases. */
export async function applyDeliveryUpdates(
  tx: CoachExecutor,
  now: Date,
  updates: DeliveryUpdate[],
): Promise<void> {
  if (updates.length === 0) return;
  const at = now.toISOString();
  await sql`
    UPDATE public.push_deliveries d
    SET status = v.status,
        ticket_id = coalesce(v.ticket_id, d.ticket_id),
        reason = CASE WHEN v.status IN ('sent', 'delivered') THEN NULL ELSE left(v.reason, 200) END,
        next_attempt_at = coalesce(v.next_attempt_at, d.next_attempt_at),
        leased_until = NULL,
        sent_at = CASE WHEN v.status = 'sent' AND d.sent_at IS NULL THEN ${at}::timestamptz ELSE d.sent_at END,
        finished_at = CASE WHEN v.status IN ('delivered', 'failed') THEN ${at}::timestamptz END
    FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
      AS v(id uuid, status text, ticket_id text, reason text, next_attempt_at timestamptz)
    WHERE d.id = v.id
  `.execute(tx);
}

/** How many deliveries are in each state, and how many tokens are registered (for /metrics). */
export async function pushCounts(
  tx: CoachExecutor,
): Promise<{ deliveries: Record<'queued' | 'sent' | 'delivered' | 'failed', number>; tokens: number }> {
  const rows = await tx
    .selectFrom('push_deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  const deliveries = { queued: 0, sent: 0, delivered: 0, failed: 0 };
  for (const row of rows) deliveries[row.status] = Number(row.count);
  return { deliveries, tokens: await countTokens(tx) };
}
