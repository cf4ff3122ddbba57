import { asRole, queryAs } from '@ours/platform/db';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { type ExpoMessage, fetchPushReceipts, sendPushMessages } from './expo-push-client.ts';
import {
  applyDeliveryUpdates,
  type ClaimedMessage,
  type ClaimedReceipt,
  claimQueued,
  claimReceiptsDue,
  fanOutDue,
} from './push-deliveries.repository.ts';
import { type Outcome, receiptOutcome, requestFailureUpdate, ticketOutcome } from './push-outcomes.ts';
import { deleteTokens } from './push-tokens.repository.ts';

/** Expo's limits: 100 messages per send request, 1000 ids per receipts request. */
const sendBatchSize = 100;
const receiptBatchSize = 1_000;
const fanOutBatchSize = 1_000;

export interface PushRunSummary {
  notifications: number;
  deliveries: number;
  requests: number;
  receiptRequests: number;
}

export interface PushRunOptions {
  /** The time this run acts at (tests pass it; otherwise `ctx.now()`). */
  now?: Date;
  /** Only fan out and send; skip the receipt pass (the bench times them apart). */
  skipReceipts?: boolean;
}

/**
 * One delivery run: fans out every due notification, sends every due message in batches of 100
 * with `PUSH_CONCURRENCY` requests in flight, then checks the receipts that are due. Safe to run on
 * several instances at once: every row is leased before it is sent.
 */
export async function runPushDelivery(
  ctx: AppContext,
  options: PushRunOptions = {},
): Promise<PushRunSummary> {
  const summary: PushRunSummary = { notifications: 0, deliveries: 0, requests: 0, receiptRequests: 0 };
  if (!ctx.config.push.enabled) return summary;
  const now = options.now ?? ctx.now();
  for (;;) {
    const fanned = await asRole(ctx.db, serviceRole, (tx) => fanOutDue(tx, now, fanOutBatchSize));
    summary.notifications += fanned.notifications;
    summary.deliveries += fanned.deliveries;
    if (fanned.notifications < fanOutBatchSize) break;
  }
  // Claims take turns within this instance, so batches come out full (100, 100, 50, not 100, 88,
  // 12, 50): only the requests to Expo overlap.
  const claimMessages = oneAtATime(() =>
    claimQueued(queryAs(ctx.db, serviceRole), now, sendBatchSize, leaseSeconds(ctx)),
  );
  await inParallel(ctx.config.push.concurrency, async () => {
    while (await sendOneBatch(ctx, now, claimMessages)) summary.requests += 1;
  });
  if (!options.skipReceipts) {
    const claimReceipts = oneAtATime(() =>
      claimReceiptsDue(queryAs(ctx.db, serviceRole), now, receiptBatchSize, leaseSeconds(ctx)),
    );
    await inParallel(ctx.config.push.concurrency, async () => {
      while (await checkOneReceiptBatch(ctx, now, claimReceipts)) summary.receiptRequests += 1;
    });
  }
  return summary;
}

/** `fn` wrapped so calls run one after another, never overlapping. */
function oneAtATime<T>(fn: () => Promise<T>): () => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return () => {
    const result = tail.then(fn);
    tail = result.catch(() => undefined);
    return result;
  };
}

/** Runs `workers` copies of `loop` side by side and waits for all of them. */
async function inParallel(workers: number, loop: () => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: workers }, loop));
}

/** Held long enough for a request that times out, plus writing its outcome. */
function leaseSeconds(ctx: AppContext): number {
  return Math.ceil(ctx.config.push.requestTimeoutMs / 1000) * 2 + 30;
}

/** Claims, sends and records one batch; false when nothing was due. */
async function sendOneBatch(
  ctx: AppContext,
  now: Date,
  claim: () => Promise<ClaimedMessage[]>,
): Promise<boolean> {
  const claimed = await claim();
  if (claimed.length === 0) return false;
  const outcomes: Outcome[] = [];
  // The token was removed after fan-out (unregistered, moved to another account, deleted).
  const sendable = claimed.filter((row): row is ClaimedMessage & { token: string } => row.token !== null);
  for (const row of claimed) {
    if (row.token === null)
      outcomes.push({
        update: { id: row.id, status: 'failed', reason: 'token_removed' },
        removeToken: false,
      });
  }
  const config = ctx.config.push;
  if (sendable.length > 0) {
    const call = await sendPushMessages(config, sendable.map(toExpoMessage));
    sendable.forEach((row, index) => {
      const ticket = call.kind === 'ok' ? call.data[index] : undefined;
      if (call.kind !== 'ok')
        outcomes.push({ update: requestFailureUpdate(config, now, row, call), removeToken: false });
      else if (ticket) outcomes.push(ticketOutcome(config, now, row, ticket));
    });
  }
  await record(ctx, now, outcomes, claimed);
  return true;
}

async function checkOneReceiptBatch(
  ctx: AppContext,
  now: Date,
  claim: () => Promise<ClaimedReceipt[]>,
): Promise<boolean> {
  const claimed = await claim();
  if (claimed.length === 0) return false;
  const call = await fetchPushReceipts(
    ctx.config.push,
    claimed.map((row) => row.ticket_id),
  );
  // A failed request is treated like receipts not there yet: asked again later, until the deadline.
  const receipts = call.kind === 'ok' ? call.data : {};
  const outcomes = claimed.map((row) => receiptOutcome(ctx.config.push, now, row, receipts[row.ticket_id]));
  await record(ctx, now, outcomes, claimed);
  return true;
}

/** Writes a batch's outcomes and removes unregistered devices' tokens, in one transaction. */
async function record(
  ctx: AppContext,
  now: Date,
  outcomes: Outcome[],
  claimed: ReadonlyArray<ClaimedMessage | ClaimedReceipt>,
): Promise<void> {
  const tokenOf = new Map(claimed.map((row) => [row.id, row.token_id]));
  const removed = outcomes
    .filter((outcome) => outcome.removeToken)
    .map((outcome) => tokenOf.get(outcome.update.id))
    .filter((id): id is string => typeof id === 'string');
  await asRole(ctx.db, serviceRole, async (tx) => {
    await applyDeliveryUpdates(
      tx,
      now,
      outcomes.map((outcome) => outcome.update),
    );
    await deleteTokens(tx, [...new Set(removed)]);
  });
}

const titles: Record<string, string> = { weekly_digest: 'Your weekly summary' };

function toExpoMessage(row: ClaimedMessage & { token: string }): ExpoMessage {
  return {
    to: row.token,
    title: titles[row.type] ?? 'Your coach',
    // Expo refuses payloads over 4 KiB (MessageTooBig); the full text is in the app's inbox.
    body: row.message.length > 1_000 ? `${row.message.slice(0, 999)}…` : row.message,
    data: { notification_id: row.notification_id },
    sound: 'default',
  };
}
