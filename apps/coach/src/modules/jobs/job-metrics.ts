import { Gauge, type Registry } from 'prom-client';
import type { AppContext } from '../../context.ts';
import { latestRuns } from './job-runs.repository.ts';

/**
 * Job health in /metrics, read from `job_runs` at scrape time, so every instance reports the same
 * truth whichever of them ran the job. The first gauge's collect fills both (gauges are collected
 * in registration order).
 */
export function registerJobMetrics(registry: Registry, ctx: AppContext): void {
  const items = new Gauge({
    name: 'coach_job_last_run_items',
    help: 'Items of the latest run of each job, by outcome',
    labelNames: ['job', 'outcome'],
    registers: [],
  });
  new Gauge({
    name: 'coach_job_last_run_timestamp_seconds',
    help: 'When the latest run of each job started, by its status',
    labelNames: ['job', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      items.reset();
      const runs = await latestRuns(ctx.db).catch(() => []);
      for (const run of runs) {
        this.set({ job: run.name, status: run.status }, Date.parse(run.started_at) / 1000);
        for (const outcome of ['total', 'processed', 'succeeded', 'failed', 'skipped'] as const) {
          items.set({ job: run.name, outcome }, run[outcome]);
        }
      }
    },
  });
  registry.registerMetric(items);
}
