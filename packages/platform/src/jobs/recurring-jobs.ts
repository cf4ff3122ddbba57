import type { PgBoss, Queue } from 'pg-boss';
import { traceJobRun } from '../telemetry/job-tracing.ts';

/** A job that runs on a schedule: its queue, when it fires, and what one run does. */
export interface RecurringJob<Data extends object = object> {
  name: string;
  /** Five-field cron, read in the service's time zone (DST-correct). */
  cron: string;
  /** Retries and the like for its queue. */
  queue?: Omit<Queue, 'name'>;
  /**
   * One run: `data` is what the schedule (or whoever queued the run) sent; `queuedAt` is when the
   * run was queued, which names its slot even when a worker gets to it late or retries it.
   */
  run(data: Data, queuedAt: Date): Promise<unknown>;
}

/**
 * Creates each job's queue and, when this instance works jobs, schedules it in `timeZone` and works
 * it here. Every instance may schedule: pg-boss sends each cron slot once across instances, and a
 * queued run goes to exactly one worker.
 */
export async function scheduleRecurringJobs<Data extends object>(
  boss: PgBoss,
  jobs: readonly RecurringJob<Data>[],
  options: { timeZone: string; work: boolean },
): Promise<void> {
  for (const job of jobs) {
    await boss.createQueue(job.name, job.queue);
    if (!options.work) continue;
    await boss.schedule(
      job.name,
      job.cron,
      { trigger: 'schedule' },
      { tz: options.timeZone, singletonKey: job.name },
    );
    await boss.work<Data, unknown, { includeMetadata: true; pollingIntervalSeconds: number }>(
      job.name,
      { includeMetadata: true, pollingIntervalSeconds: 1 },
      async ([queued]) => {
        if (queued) await traceJobRun(job.name, queued, () => job.run(queued.data, queued.createdOn));
      },
    );
  }
}
