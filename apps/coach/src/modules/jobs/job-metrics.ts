import { queryAs } from '@ours/platform/db';
import { registerJobMetrics } from '@ours/platform/jobs';
import type { Registry } from 'prom-client';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { latestRuns } from './job-runs.repository.ts';

/** The coach's job runs in /metrics (`coach_job_last_run_*`), with each run's item counts. */
export function registerCoachJobMetrics(registry: Registry, ctx: AppContext): void {
  registerJobMetrics(registry, 'coach', async () =>
    (await latestRuns(queryAs(ctx.db, serviceRole))).map((run) => ({
      name: run.name,
      status: run.status,
      started_at: run.started_at,
      counts: {
        total: run.total,
        processed: run.processed,
        succeeded: run.succeeded,
        failed: run.failed,
        skipped: run.skipped,
      },
    })),
  );
}
