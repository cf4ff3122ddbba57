import { type PgBoss, type RecurringJob, scheduleRecurringJobs, startJobQueue } from '@ours/platform/jobs';
import type { FastifyBaseLogger } from 'fastify';
import type { LabContext } from '../../context.ts';
import { checkpointIfDue } from '../audit/checkpoint.service.ts';
import { recordInventoryAlerts } from '../inventory/alerts.service.ts';
import { labTimeZone } from '../shared/lab-calendar.ts';
import type { JobName, RunTrigger } from './job-runs.repository.ts';
import { recordedRun } from './recorded-run.ts';

/** When each job fires, as cron in the lab's zone (Europe/London). */
export const labJobSchedules: Record<JobName, string> = {
  // Checks every minute whether a checkpoint is due (every LAB_CHECKPOINT_EVERY entries, or daily).
  'audit-checkpoint': '* * * * *',
  'inventory-alerts': '0 6 * * *',
};

export const labJobNames: readonly JobName[] = ['audit-checkpoint', 'inventory-alerts'];

interface RunData {
  trigger?: RunTrigger;
}

export interface LabJobsOptions {
  /** Work jobs in this process (the server unless JOBS_ENABLED=false). */
  workers: boolean;
  /** Override cron expressions (tests fire every minute). */
  schedules?: Partial<Record<JobName, string>>;
  cronMonitorIntervalSeconds?: number;
}

/** The lab's job queue: what is scheduled, queuing a run now, and stopping. */
export interface LabJobs {
  boss: PgBoss;
  schedules: Record<JobName, string>;
  /** Queues a run of a job for whichever instance works jobs. */
  send(name: JobName, trigger: RunTrigger): Promise<string | null>;
  stop(): Promise<void>;
}

/**
 * Starts pg-boss on the lab's database with the audit checkpoint and the daily inventory alerts,
 * scheduled in Europe/London (DST-correct), each run recorded in `job_runs` and shown in /metrics.
 * Every instance may schedule: pg-boss sends each cron slot once, and one worker runs it. With
 * workers, each job also runs once soon after start (a service started after 06:00, or down at
 * 06:00, must not wait a day), once however many instances start together.
 */
export async function startLabJobs(
  ctx: LabContext,
  log: FastifyBaseLogger,
  options: LabJobsOptions,
): Promise<LabJobs> {
  const boss = await startJobQueue(ctx.db, {
    applicationName: 'lab-jobs',
    schedule: options.workers,
    supervise: options.workers,
    cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds,
  });
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  const schedules = { ...labJobSchedules, ...options.schedules };
  const work: Record<JobName, () => Promise<Record<string, number | boolean>>> = {
    'audit-checkpoint': async (): Promise<Record<string, number | boolean>> => {
      const checkpoint = await checkpointIfDue(ctx);
      if (!checkpoint) return { signed: false };
      log.info({ seq: checkpoint.seq, key_id: checkpoint.key_id }, 'audit checkpoint signed');
      return { signed: true, seq: checkpoint.seq };
    },
    'inventory-alerts': async () => {
      const summary = await recordInventoryAlerts(ctx);
      log.info(summary, 'inventory alerts recorded');
      return { ...summary };
    },
  };
  const jobs: RecurringJob<RunData>[] = labJobNames.map((name) => ({
    name,
    cron: schedules[name],
    // A failed checkpoint or alert run is retried soon; the next slot catches up anyway.
    queue: { retryLimit: 2, retryDelay: 30, expireInSeconds: 15 * 60 },
    run: (data) => recordedRun(ctx, log, name, data.trigger ?? 'schedule', work[name]),
  }));
  await scheduleRecurringJobs(boss, jobs, { timeZone: labTimeZone, work: options.workers });
  const send = (name: JobName, trigger: RunTrigger) => boss.send(name, { trigger } satisfies RunData);
  if (options.workers) {
    for (const name of labJobNames) {
      // One start-up run per job however many instances start within the minute.
      await boss.send(name, { trigger: 'start' } satisfies RunData, {
        singletonKey: `${name}:start`,
        singletonSeconds: 60,
      });
    }
  }
  return { boss, schedules, send, stop: () => boss.stop({ graceful: true, timeout: 5_000 }) };
}
