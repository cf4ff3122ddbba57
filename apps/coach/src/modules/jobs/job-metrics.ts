import { queryAs } from '@ours/platform/db';
import { Gauge, type Registry } from 'prom-client';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { type JobRun, latestRuns } from './job-runs.repository.ts';

/**
 * Job health in /metrics, read from `job_runs` at scrape time, so every instance reports the same
 * truth whichever of them ran the job. Both gauges share one query per scrape.
 */
export function registerJobMetrics(registry: Registry, ctx: AppContext): void {
  let cached: { at: number; runs: Promise<JobRun[]> } | undefined;
  const load = (): Promise<JobRun[]> => {
    if (!cached || Date.now() - cached.at > 1_000) {
      cached = { at: Date.now(), runs: latestRuns(queryAs(ctx.db, serviceRole)).catch(() => []) };
    }
    return cached.runs;
  };
  new Gauge({
    name: 'coach_job_last_run_timestamp_seconds',
    help: 'When the latest run of each job started, by its status',
    labelNames: ['job', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const run of await load())
        this.set({ job: run.name, status: run.status }, Date.parse(run.started_at) / 1000);
    },
  });
  new Gauge({
    name: 'coach_job_last_run_items',
    help: 'Items of the latest run of each job, by outcome',
    labelNames: ['job', 'outcome'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const run of await load()) {
        for (const outcome of ['total', 'processed', 'succeeded', 'failed', 'skipped'] as const) {
          this.set({ job: run.name, outcome }, run[outcome]);
        }
      }
    },
  });
}
