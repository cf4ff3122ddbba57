import type { ExpoCall, ExpoResult } from './expo-push-client.ts';
import { addSeconds, retryDelaySeconds } from './push-backoff.ts';
import type { PushConfig } from './push-config.ts';
import type { DeliveryUpdate } from './push-deliveries.repository.ts';

/** What to write for one delivery, and whether its token must go (the device left Expo). */
export interface Outcome {
  update: DeliveryUpdate;
  removeToken: boolean;
}

/** Expo's ticket errors worth sending again later; the rest (MessageTooBig, InvalidCredentials…) never succeed. */
const retryableTicketErrors = new Set(['MessageRateExceeded']);

function errorCodeOf(result: Extract<ExpoResult, { status: 'error' }>): string {
  const code = result.details?.error;
  return typeof code === 'string' && /^[A-Za-z_]{1,60}$/.test(code) ? code : 'expo_error';
}

/** A retry after backoff, or failed with the reason once the attempts are used up. */
function retryOrFail(
  config: PushConfig,
  now: Date,
  delivery: { id: string; attempts: number },
  reason: string,
  retryAfterSeconds?: number,
): DeliveryUpdate {
  if (delivery.attempts >= config.maxAttempts) return { id: delivery.id, status: 'failed', reason };
  const delay = retryDelaySeconds(delivery.attempts, config.retryBaseSeconds, retryAfterSeconds);
  return { id: delivery.id, status: 'queued', reason, next_attempt_at: addSeconds(now, delay).toISOString() };
}

/** One ticket: sent (receipt asked for later), token gone, retried or failed. */
export function ticketOutcome(
  config: PushConfig,
  now: Date,
  delivery: { id: string; attempts: number },
  ticket: ExpoResult,
): Outcome {
  if (ticket.status === 'ok') {
    const receiptAt = addSeconds(now, config.receiptDelaySeconds).toISOString();
    // A ticket without an id cannot be followed up: it counts as sent and stays so.
    return {
      update: { id: delivery.id, status: 'sent', ticket_id: ticket.id, next_attempt_at: receiptAt },
      removeToken: false,
    };
  }
  const code = errorCodeOf(ticket);
  if (code === 'DeviceNotRegistered') {
    return { update: { id: delivery.id, status: 'failed', reason: code }, removeToken: true };
  }
  if (retryableTicketErrors.has(code))
    return { update: retryOrFail(config, now, delivery, code), removeToken: false };
  return { update: { id: delivery.id, status: 'failed', reason: code }, removeToken: false };
}

/** The whole request failed: every message in it is retried, or failed when retrying cannot help. */
export function requestFailureUpdate(
  config: PushConfig,
  now: Date,
  delivery: { id: string; attempts: number },
  call: Exclude<ExpoCall<unknown>, { kind: 'ok' }>,
): DeliveryUpdate {
  if (call.kind === 'fail') return { id: delivery.id, status: 'failed', reason: call.reason };
  return retryOrFail(config, now, delivery, call.reason, call.retryAfterSeconds);
}

/**
 * One receipt check: delivered, failed (the device left: token removed), or still waiting. A
 * receipt still missing at the deadline fails the delivery with `receipt_unavailable`: Expo keeps
 * receipts about a day, so after that nothing will ever say whether it arrived.
 */
export function receiptOutcome(
  config: PushConfig,
  now: Date,
  delivery: { id: string; sent_at: string; receipt_checks: number },
  receipt: ExpoResult | undefined,
): Outcome {
  if (receipt?.status === 'ok')
    return { update: { id: delivery.id, status: 'delivered' }, removeToken: false };
  if (receipt?.status === 'error') {
    const code = errorCodeOf(receipt);
    return {
      update: { id: delivery.id, status: 'failed', reason: code },
      removeToken: code === 'DeviceNotRegistered',
    };
  }
  const deadline = addSeconds(new Date(delivery.sent_at), config.receiptDeadlineSeconds);
  if (now >= deadline) {
    return {
      update: { id: delivery.id, status: 'failed', reason: 'receipt_unavailable' },
      removeToken: false,
    };
  }
  // Asked again after backoff, but never past the deadline, so the deadline check itself runs on time.
  const delay = retryDelaySeconds(delivery.receipt_checks, Math.max(60, config.receiptDelaySeconds));
  const next = new Date(Math.min(addSeconds(now, delay).getTime(), deadline.getTime()));
  return {
    update: { id: delivery.id, status: 'sent', next_attempt_at: next.toISOString() },
    removeToken: false,
  };
}
