import { type PgBoss, type RecurringJob, scheduleRecurringJobs, startJobQueue } from '@ours/platform/jobs';
import type { LocalDate } from '@ours/platform/time';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../context.ts';
import { createAlertQueue, withFailureAlerts, workAlerts } from '../alerts/index.ts';
import { createDigestUserQueue, workDigestUsers } from '../digest/index.ts';
import { pruneMemories, syncMemories } from '../memory/index.ts';
import { startPushQueue } from '../push/index.ts';
import { startUsageRollups } from '../usage/index.ts';
import type { RunTrigger } from './job-runs.repository.ts';
import { jobSchedules, type ScheduledJob } from './job-schedules.ts';
import { runLocalTimeTick } from './local-time-tick.ts';
import { startManualJobs } from './manual-jobs.ts';

export interface SlotData {
  trigger?: RunTrigger;
  week?: string;
  date?: LocalDate;
}

export interface JobEngineOptions {
  /** Process jobs in this process (the server unless JOBS_ENABLED=false, or the worker). */
  workers: boolean;
  /** Override cron expressions (tests fire every minute). */
  schedules?: Partial<Record<ScheduledJob, string>>;
  cronMonitorIntervalSeconds?: number;
  /** First retry delay of a user's digest, doubled each time (tests shorten it). */
  digestRetryDelaySeconds?: number;
  /** First retry delay of an undelivered operator alert, doubled each time (tests shorten it). */
  alertRetryDelaySeconds?: number;
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

/**
 * Starts pg-boss on the coach's database, declares the queues and schedules (the minute tick that
 * runs the per-user local-time jobs, and COACH_TIMEZONE cron for the rest), and (with `workers`)
 * processes them. Every instance may schedule: pg-boss sends each cron slot once.
 */
export async function startJobEngine(
  ctx: AppContext,
  log: FastifyBaseLogger,
  options: JobEngineOptions,
): Promise<JobEngine> {
  const boss = await startJobQueue(ctx.db, {
    applicationName: 'coach-jobs',
    schedule: options.workers,
    supervise: options.workers,
    cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds,
  });
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  const timeZone = ctx.config.jobs.timeZone;

  const schedules = { ...jobSchedules, ...options.schedules };
  const recurring: RecurringJob<SlotData>[] = [
    {
      // Every minute: the status check and the digest for the zones whose local time has come.
      name: 'local-time-tick',
      cron: schedules['local-time-tick'],
      // One tick at a time; a failed tick is not retried: the next minute's tick finds the same
      // zones still due (their marks did not move).
      queue: { policy: 'singleton', retryLimit: 0, expireInSeconds: 600 },
      run: async () => {
        await runLocalTimeTick(ctx, boss, log);
      },
    },
    {
      name: 'memory-retention',
      cron: schedules['memory-retention'],
      queue: { retryLimit: 2, retryDelay: 60 },
      run: async (slot) => {
        await pruneMemories(ctx, slot.trigger ?? 'schedule');
      },
    },
    {
      name: 'memory-sync',
      cron: schedules['memory-sync'],
      // One memory job at a time: two would embed the same pending rows twice.
      queue: { policy: 'singleton', retryLimit: 1, retryDelay: 10, expireInSeconds: 120 },
      run: () => syncMemories(ctx),
    },
  ];
  // A failing job alerts the operator once per failure streak (ALERT_WEBHOOK_URL).
  const alerting = recurring.map((job) => ({ ...job, run: withFailureAlerts(ctx, log, job.name, job.run) }));
  // The tick fans the digest out to the user queue: it exists before the first tick.
  await createDigestUserQueue(boss, options.digestRetryDelaySeconds);
  await scheduleRecurringJobs(boss, alerting, { timeZone, work: options.workers });
  await startManualJobs(boss, ctx, log, options.workers);
  const alertQueueOptions = { retryDelaySeconds: options.alertRetryDelaySeconds };
  await createAlertQueue(boss, alertQueueOptions);
  await startUsageRollups(boss, ctx, log, options.workers);
  ctx.push = await startPushQueue(boss, ctx, log, options.workers);
  if (options.workers) {
    await workDigestUsers(boss, ctx, log);
    await workAlerts(boss, ctx, log, alertQueueOptions);
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
        .catch((error: unknown) => log.warn({ err: error }, 'could not queue memory sync'));
    },
    stop: () => boss.stop({ graceful: true, timeout: 10_000 }),
  };
}
