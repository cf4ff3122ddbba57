import { asRole, queryAs } from '@ours/platform/db';
import type { JobWithMetadata, PgBoss } from '@ours/platform/jobs';
import { traceJobRun } from '@ours/platform/telemetry';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../context.ts';
import { jobFailedAlert, raiseAlertSafely } from '../alerts/index.ts';
import {
  claimZones,
  failRun,
  finishRun,
  type ItemCounts,
  type JobRun,
  noItems,
  type RunTrigger,
  recordItems,
  restoreDigestMarks,
  type SlotData,
  startRun,
  type ZoneGroup,
} from '../jobs/index.ts';
import { errorMessage } from '../shared/error-message.ts';
import { serviceRole } from '../shared/service-role.ts';
import {
  countDigestOutcome,
  currentWeek,
  type DigestPlan,
  digestUser,
  planDigest,
  planWeek,
  weekWindow,
} from './digest.service.ts';

interface DigestUserData {
  runId: string;
  userId: string;
  week: string;
  /** The zone whose Sunday 20:00 closes the user's week (jobs queued before zones: the default). */
  timeZone?: string;
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
 * A run by hand (`POST /admin/jobs/weekly-digest/run`): plans the week for every zone in use and
 * queues one job per user still without a note. The week comes from when the run was queued, not
 * from when a worker got to it (or retried it).
 */
export async function planAndQueue(
  boss: PgBoss,
  ctx: AppContext,
  slot: SlotData,
  firedAt: Date,
): Promise<void> {
  const week = slot.week ?? currentWeek(firedAt, ctx.config.jobs.timeZone);
  const plan = await planDigest(ctx, week);
  const run = await startRun(queryAs(ctx.db, serviceRole), digestRunRecord(plan, slot.trigger ?? 'manual'));
  await queuePlan(boss, ctx, plan, run.id);
}

/** A zone whose Sunday 20:00 has come for `week`, with its mark before this tick. */
export interface DigestDueGroup {
  group: ZoneGroup;
  week: string;
  previousWeek: string | null;
}

/**
 * The scheduled tick's part: claims the zones whose Sunday 20:00 has come, plans their users and
 * records the run in one transaction, then queues the users. If queueing fails the claims are
 * put back, so the next tick tries again.
 */
export async function queueDueZones(
  boss: PgBoss,
  ctx: AppContext,
  due: DigestDueGroup[],
  tick: string,
): Promise<{ run: JobRun; zones: number } | null> {
  const week = due[0]?.week;
  if (!week) return null;
  const mine = due.filter((zone) => zone.week === week);
  const planned = await asRole(ctx.db, serviceRole, async (tx) => {
    const claims = mine.map(({ group }) => ({ zone: group.zone, value: week }));
    const won = new Set(await claimZones(tx, 'digest_week', claims));
    const groups = mine.filter(({ group }) => won.has(group.zone)).map(({ group }) => group);
    if (groups.length === 0) return null;
    const plan = await planWeek(tx, ctx, week, groups);
    const run = await startRun(tx, digestRunRecord(plan, 'schedule', tick));
    return { plan, run, groups };
  });
  if (!planned) return null;
  try {
    await queuePlan(boss, ctx, planned.plan, planned.run.id);
  } catch (error) {
    const previous = new Map(mine.map((zone) => [zone.group.zone, zone.previousWeek]));
    await restoreDigestMarks(
      queryAs(ctx.db, serviceRole),
      planned.groups.map((group) => ({ zone: group.zone, week: previous.get(group.zone) ?? null })),
    );
    throw error;
  }
  return { run: planned.run, zones: planned.groups.length };
}

/** The weekly digest's run record (`startRun`) for a plan: the queue's runs and the command line's. */
export function digestRunRecord(plan: DigestPlan, trigger: RunTrigger, tick?: string) {
  return {
    name: 'weekly-digest' as const,
    slot: plan.week,
    trigger,
    dryRun: false,
    total: plan.pending.length + plan.alreadyDone,
    skipped: plan.alreadyDone,
    details: {
      window: { start: plan.window.start, end: plan.window.end },
      ...(tick ? { tick } : {}),
      zones: plan.zones.filter((zone) => zone.users > 0),
      zones_planned: plan.zones.length,
    },
  };
}

/** Queues one job per pending user; a run with nothing to do is closed at once. */
async function queuePlan(boss: PgBoss, ctx: AppContext, plan: DigestPlan, runId: string): Promise<void> {
  if (plan.pending.length + plan.alreadyDone === 0) {
    await asRole(ctx.db, serviceRole, (tx) =>
      finishRun(tx, runId, { processed: 0, succeeded: 0, failed: 0, skipped: 0 }, {}),
    );
    return;
  }
  if (plan.pending.length === 0) return;
  try {
    await boss.insert(
      userQueue,
      plan.pending.map(({ userId, timeZone }) => ({
        data: { runId, userId, week: plan.week, timeZone } satisfies DigestUserData,
      })),
    );
  } catch (error) {
    // Nothing was queued: close this run as failed (a retry starts a fresh one).
    await failRun(queryAs(ctx.db, serviceRole), runId, `could not queue the users: ${errorMessage(error)}`);
    throw error;
  }
}

/** One user's digest attempt; a failure is final (to be counted) only on its last attempt. */
async function attemptUser(ctx: AppContext, job: JobWithMetadata<DigestUserData>, log: FastifyBaseLogger) {
  const window = weekWindow(job.data.week, job.data.timeZone ?? ctx.config.jobs.timeZone);
  try {
    const outcome = await traceJobRun(userQueue, job, () => digestUser(ctx, job.data.userId, window, log));
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
