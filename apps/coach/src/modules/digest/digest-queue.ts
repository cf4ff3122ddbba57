import { asRole, queryAs } from '@ours/platform/db';
import type { JobWithMetadata, PgBoss } from '@ours/platform/jobs';
import { traceJobRun } from '@ours/platform/telemetry';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../context.ts';
import { jobFailedAlert, raiseAlertSafely } from '../alerts/index.ts';
import {
  failRun,
  finishRun,
  type ItemCounts,
  noItems,
  recordItems,
  type SlotData,
  startRun,
} from '../jobs/index.ts';
import { errorMessage } from '../shared/error-message.ts';
import { serviceRole } from '../shared/service-role.ts';
import { countDigestOutcome, currentWeek, digestUser, planDigest, weekWindow } from './digest.service.ts';

interface DigestUserData {
  runId: string;
  userId: string;
  week: string;
}

const userQueue = 'weekly-digest-user';

/** The slot queue's options (one job per week). */
export const digestSlotQueue = { notify: true, retryLimit: 2, retryBackoff: true, retryDelay: 30 };

/** The fan-out queue (one job per user). */
export async function createDigestUserQueue(boss: PgBoss, retryDelaySeconds = 5): Promise<void> {
  await boss.createQueue(userQueue, {
    notify: true,
    retryLimit: 2,
    retryBackoff: true,
    retryDelay: retryDelaySeconds,
    // Generous: a batch waits for up to ten users' model calls, each with its own deadline.
    expireInSeconds: 900,
  });
}

/**
 * The weekly digest's users: the slot job (`planAndQueue`) queued one job per user still without a
 * note; they run `DIGEST_CONCURRENCY` at a time, each failure retried with backoff and counted once,
 * on its last attempt.
 */
export async function workDigestUsers(boss: PgBoss, ctx: AppContext, log: FastifyBaseLogger): Promise<void> {
  // Batches with per-job results: a worker fetches its next batch the moment one is done (a batch
  // of one would wait out the polling interval after every user).
  const concurrency = ctx.config.jobs.digestConcurrency;
  const batchSize = Math.min(10, concurrency);
  await boss.work<
    DigestUserData,
    unknown,
    {
      includeMetadata: true;
      perJobResults: true;
      batchSize: number;
      localConcurrency: number;
      burstWhenBatchFull: true;
      pollingIntervalSeconds: number;
      notifyPollingIntervalSeconds: number;
    }
  >(
    userQueue,
    {
      includeMetadata: true,
      perJobResults: true,
      batchSize,
      localConcurrency: Math.ceil(concurrency / batchSize),
      burstWhenBatchFull: true,
      pollingIntervalSeconds: 0.5,
      notifyPollingIntervalSeconds: 0.5,
    },
    async (jobs) => {
      const settled = await Promise.all(jobs.map((job) => attemptUser(ctx, job, log)));
      // Final outcomes are counted once per run per batch.
      const byRun = new Map<string, ItemCounts>();
      for (const { job, outcome, final } of settled) {
        if (final)
          byRun.set(job.data.runId, countDigestOutcome(byRun.get(job.data.runId) ?? noItems(), outcome));
      }
      for (const [runId, counts] of byRun) await recordItems(queryAs(ctx.db, serviceRole), runId, counts);
      return settled.map(({ job, outcome }) =>
        outcome instanceof Error
          ? { id: job.id, status: 'failed' as const, output: { message: outcome.message } }
          : { id: job.id, status: 'completed' as const },
      );
    },
  );
}

/**
 * The slot job: plans the week and queues one job per user still without a note. The week comes
 * from when the slot fired, not from when a worker got to it (or retried it).
 */
export async function planAndQueue(
  boss: PgBoss,
  ctx: AppContext,
  slot: SlotData,
  firedAt: Date,
): Promise<void> {
  const week = slot.week ?? currentWeek(firedAt, ctx.config.jobs.timeZone);
  const plan = await planDigest(ctx, week);
  const total = plan.pending.length + plan.alreadyDone;
  const run = await startRun(queryAs(ctx.db, serviceRole), {
    name: 'weekly-digest',
    slot: week,
    trigger: slot.trigger ?? 'schedule',
    dryRun: false,
    total,
    skipped: plan.alreadyDone,
    details: { window: { start: plan.window.start, end: plan.window.end } },
  });
  if (total === 0) {
    await asRole(ctx.db, serviceRole, (tx) =>
      finishRun(tx, run.id, { processed: 0, succeeded: 0, failed: 0, skipped: 0 }, {}),
    );
    return;
  }
  if (plan.pending.length === 0) return;
  try {
    await boss.insert(
      userQueue,
      plan.pending.map((userId) => ({ data: { runId: run.id, userId, week } satisfies DigestUserData })),
    );
  } catch (error) {
    // Nothing was queued: close this run as failed (the slot's retry starts a fresh one).
    await failRun(queryAs(ctx.db, serviceRole), run.id, `could not queue the users: ${errorMessage(error)}`);
    throw error;
  }
}

/** One user's digest attempt; a failure is final (to be counted) only on its last attempt. */
async function attemptUser(ctx: AppContext, job: JobWithMetadata<DigestUserData>, log: FastifyBaseLogger) {
  const window = weekWindow(job.data.week, ctx.config.jobs.timeZone);
  try {
    const outcome = await traceJobRun(userQueue, job, () => digestUser(ctx, job.data.userId, window));
    return { job, outcome, final: true };
  } catch (error) {
    const final = job.retryCount >= job.retryLimit;
    log.warn(
      { err: error, runId: job.data.runId, attempt: job.retryCount + 1, final },
      'weekly digest failed for a user',
    );
    // One alert per run however many users fail (the run's record has the count).
    if (final) await raiseAlertSafely(ctx, jobFailedAlert(userQueue, error, ctx.now(), job.data.runId), log);
    return { job, outcome: error instanceof Error ? error : new Error(errorMessage(error)), final };
  }
}
