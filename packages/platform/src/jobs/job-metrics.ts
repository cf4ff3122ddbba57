import { Gauge, type Registry } from 'prom-client';

/** The latest run of a job as the metrics show it; item counts where the service keeps them. */
export interface JobRunSummary {
  name: string;
  status: string;
  started_at: string;
  counts?: Record<string, number>;
}

/**
 * Job health in /metrics, read from the service's run records at scrape time, so every instance
 * reports the same truth whichever of them ran the job: `<prefix>_job_last_run_timestamp_seconds`
 * by job and status, and `<prefix>_job_last_run_items` by job and outcome. Both share one read per
 * scrape (and at most one a second).
 */
export function registerJobMetrics(
  registry: Registry,
  prefix: string,
  latestRuns: () => Promise<JobRunSummary[]>,
): void {
  let cached: { at: number; runs: Promise<JobRunSummary[]> } | undefined;
  const load = (): Promise<JobRunSummary[]> => {
    if (!cached || Date.now() - cached.at > 1_000) {
      cached = { at: Date.now(), runs: latestRuns().catch(() => []) };
    }
    return cached.runs;
  };
  new Gauge({
    name: `${prefix}_job_last_run_timestamp_seconds`,
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
    name: `${prefix}_job_last_run_items`,
    help: 'Items of the latest run of each job, by outcome',
    labelNames: ['job', 'outcome'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const run of await load()) {
        for (const [outcome, count] of Object.entries(run.counts ?? {}))
          this.set({ job: run.name, outcome }, count);
      }
    },
  });
}
