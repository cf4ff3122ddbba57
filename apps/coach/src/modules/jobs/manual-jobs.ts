import type { PgBoss } from '@ours/platform/jobs';
import { traceJobRun } from '@ours/platform/telemetry';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../context.ts';
import { withFailureAlerts } from '../alerts/index.ts';
import { digestSlotQueue, planAndQueue } from '../digest/index.ts';
import { runStatusCheck } from '../status-check/status-check.service.ts';
import type { SlotData } from './job-engine.ts';

/**
 * The status check and the digest as queues without a schedule: runs asked for by hand
 * (`POST /admin/jobs/<name>/run`) go to whichever instance has workers. Their London-time cron
 * schedules from before per-user local time are removed: the minute tick runs them now.
 */
export async function startManualJobs(
  boss: PgBoss,
  ctx: AppContext,
  log: FastifyBaseLogger,
  work: boolean,
): Promise<void> {
  const jobs = [
    {
      name: 'weekly-digest',
      queue: digestSlotQueue,
      run: (slot: SlotData, queuedAt: Date) => planAndQueue(boss, ctx, slot, queuedAt),
    },
    {
      name: 'check-user-status',
      queue: { retryLimit: 2, retryBackoff: true, retryDelay: 30 },
      run: async (slot: SlotData) => {
        await runStatusCheck(ctx, { date: slot.date, trigger: slot.trigger ?? 'api', log });
      },
    },
  ];
  for (const job of jobs) {
    await boss.createQueue(job.name, job.queue);
    if (!work) continue;
    await boss.unschedule(job.name);
    const run = withFailureAlerts(ctx, log, job.name, job.run);
    await boss.work<SlotData, unknown, { includeMetadata: true; pollingIntervalSeconds: number }>(
      job.name,
      { includeMetadata: true, pollingIntervalSeconds: 1 },
      async ([queued]) => {
        if (queued) await traceJobRun(job.name, queued, () => run(queued.data, queued.createdOn));
      },
    );
  }
}
