import { asRole } from '@ours/platform/db';
import { type JobWithMetadata, type PgBoss, startJobQueue } from '@ours/platform/jobs';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../context.ts';
import {
  countDigestOutcome,
  currentWeek,
  digestUser,
  planDigest,
  weekWindow,
} from '../digest/digest.service.ts';
import { pruneMemories, syncMemories } from '../memory/memory-jobs.ts';
import { runStatusCheck } from '../status-check/status-check.service.ts';
import {
  finishRun,
  type ItemCounts,
  noItems,
  type RunTrigger,
  recordItems,
  startRun,
} from './job-runs.repository.ts';
import { jobSchedules, type ScheduledJob } from './job-schedules.ts';
import type { LocalDate } from './zoned-time.ts';

interface SlotData {
  trigger?: RunTrigger;
  week?: string;
  date?: LocalDate;
}
interface DigestUserData {
  runId: string;
  userId: string;
  week: string;
}

export interface JobEngineOptions {
  /** Process jobs in this process (the server unless JOBS_ENABLED=false, or the worker). */
  workers: boolean;
  /** Override cron expressions (tests fire every minute). */
  schedules?: Partial<Record<ScheduledJob, string>>;
  cronMonitorIntervalSeconds?: number;
  /** First retry delay of a user's digest, doubled each time (tests shorten it). */
  digestRetryDelaySeconds?: number;
}

/** The queue plus how to stop it; `send` enqueues a run for any process with workers. */
export interface JobEngine {
  boss: PgBoss;
  send(
    name: 'weekly-digest' | 'check-user-status' | 'memory-retention',
    data: SlotData,
  ): Promise<string | null>;
  /** Asks for new memories to be written and embedded soon (at most once per few seconds). */
  nudgeMemory(): void;
  stop(): Promise<void>;
}

const digestUserQueue = 'weekly-digest-user';

/**
 * Starts pg-boss on the coach's database, declares the queues and London-time schedules, and (with
 * `workers`) processes them. Every instance may schedule: pg-boss sends each cron slot once.
 */
export async function startJobEngine(
  ctx: AppContext,
  log: FastifyBaseLogger,
  options: JobEngineOptions,
): Promise<JobEngine> {
  const boss = await startJobQueue(ctx.db, {
    schedule: options.workers,
    supervise: options.workers,
    cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds,
  });
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  const timeZone = ctx.config.jobs.timeZone;

  await boss.createQueue('weekly-digest', {
    notify: true,
    retryLimit: 2,
    retryBackoff: true,
    retryDelay: 30,
  });
  await boss.createQueue(digestUserQueue, {
    notify: true,
    retryLimit: 2,
    retryBackoff: true,
    retryDelay: options.digestRetryDelaySeconds ?? 5,
    expireInSeconds: 300,
  });
  await boss.createQueue('check-user-status', { retryLimit: 2, retryBackoff: true, retryDelay: 30 });
  await boss.createQueue('memory-retention', { retryLimit: 2, retryDelay: 60 });
  // One memory job at a time: two would embed the same pending rows twice.
  await boss.createQueue('memory-sync', {
    policy: 'singleton',
    retryLimit: 1,
    retryDelay: 10,
    expireInSeconds: 120,
  });

  if (options.workers) {
    for (const [name, cron] of Object.entries({ ...jobSchedules, ...options.schedules })) {
      await boss.schedule(name, cron, { trigger: 'schedule' }, { tz: timeZone, singletonKey: name });
    }
    await boss.work<SlotData>('weekly-digest', { pollingIntervalSeconds: 1 }, async ([job]) => {
      if (!job) return;
      const week = job.data.week ?? currentWeek(ctx.now(), timeZone);
      const plan = await planDigest(ctx, week);
      const total = plan.pending.length + plan.alreadyDone;
      const run = await startRun(ctx.db, {
        name: 'weekly-digest',
        slot: week,
        trigger: job.data.trigger ?? 'schedule',
        dryRun: false,
        total,
        skipped: plan.alreadyDone,
        details: { window: { start: plan.window.start, end: plan.window.end } },
      });
      if (total === 0) {
        await asRole(ctx.db, { role: 'service_role' }, (tx) =>
          finishRun(tx, run.id, { processed: 0, succeeded: 0, failed: 0, skipped: 0 }, {}),
        );
        return;
      }
      if (plan.pending.length > 0) {
        await boss.insert(
          digestUserQueue,
          plan.pending.map((userId) => ({ data: { runId: run.id, userId, week } satisfies DigestUserData })),
        );
      }
    });
    // Batches with per-job results: a worker fetches its next batch the moment one is done (a
    // batch of one would wait out the polling interval after every user).
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
      digestUserQueue,
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
        const settled = await Promise.all(jobs.map((job) => attemptDigestUser(ctx, job, log)));
        // Final outcomes are counted once per run per batch.
        const byRun = new Map<string, ItemCounts>();
        for (const { job, outcome, final } of settled) {
          if (!final) continue;
          byRun.set(job.data.runId, countDigestOutcome(byRun.get(job.data.runId) ?? noItems(), outcome));
        }
        for (const [runId, counts] of byRun) await recordItems(ctx.db, runId, counts);
        return settled.map(({ job, outcome }) =>
          outcome instanceof Error
            ? { id: job.id, status: 'failed' as const, output: { message: outcome.message } }
            : { id: job.id, status: 'completed' as const },
        );
      },
    );
    await boss.work<SlotData>('check-user-status', async ([job]) => {
      if (!job) return;
      await runStatusCheck(ctx, { date: job.data.date, trigger: job.data.trigger ?? 'schedule' });
    });
    await boss.work<SlotData>('memory-retention', async ([job]) => {
      if (!job) return;
      await pruneMemories(ctx, job.data.trigger ?? 'schedule');
    });
    await boss.work('memory-sync', async () => {
      await syncMemories(ctx);
    });
  }

  let lastNudge = 0;
  return {
    boss,
    send: (name, data) => boss.send(name, data),
    nudgeMemory: () => {
      if (Date.now() - lastNudge < 5_000) return;
      lastNudge = Date.now();
      boss
        .send('memory-sync', {})
        .catch((error: unknown) => log.warn({ err: error }, 'could not queue embedding'));
    },
    stop: () => boss.stop({ graceful: true, timeout: 10_000 }),
  };
}

/** One user's digest attempt; a failure is final (to be counted) only on its last attempt. */
async function attemptDigestUser(
  ctx: AppContext,
  job: JobWithMetadata<DigestUserData>,
  log: FastifyBaseLogger,
) {
  const window = weekWindow(job.data.week, ctx.config.jobs.timeZone);
  try {
    return { job, outcome: await digestUser(ctx, job.data.userId, window), final: true };
  } catch (error) {
    const final = job.retryCount >= job.retryLimit;
    log.warn(
      { err: error, runId: job.data.runId, attempt: job.retryCount + 1, final },
      'weekly digest failed for a user',
    );
    return { job, outcome: error as Error, final };
  }
}
