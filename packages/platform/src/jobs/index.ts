import { fromPglite, PgBoss } from 'pg-boss';
import type { Database } from '../db/database.ts';

export type { Job, JobWithMetadata, Queue } from 'pg-boss';
export { PgBoss } from 'pg-boss';
export { type JobRunSummary, registerJobMetrics } from './job-metrics.ts';
export { type RecurringJob, scheduleRecurringJobs } from './recurring-jobs.ts';

export interface JobQueueOptions {
  /** Names the queue's own database connections (`application_name`), e.g. `<service>-jobs`. */
  applicationName: string;
  /** Run the cron monitor on this instance (every instance may; pg-boss sends each slot once). */
  schedule: boolean;
  /** Run pg-boss maintenance (expiry, retention) on this instance. */
  supervise: boolean;
  /** Cron monitor interval; only tests shorten it. */
  cronMonitorIntervalSeconds?: number;
}

/**
 * A pg-boss queue on the service's own database: PGlite shares the embedded instance (it serialises
 * every statement), PostgreSQL gets a small pool of its own. Tables live in the `pgboss` schema,
 * which the migrations hand to the runtime role.
 */
export async function startJobQueue<DB>(db: Database<DB>, options: JobQueueOptions): Promise<PgBoss> {
  const common = {
    schema: 'pgboss',
    // The migrations create the schema (owned by the runtime role, which may not create schemas).
    createSchema: false,
    // Queues created with `notify: true` wake their workers the moment a job lands.
    useListenNotify: true,
    // Queue statistics refresh quickly so workers can burst through a large backlog (see
    // burstWhenReadyExceeds) instead of polling once per interval per job.
    monitorIntervalSeconds: 2,
    queueCacheIntervalSeconds: 2,
    schedule: options.schedule,
    supervise: options.supervise,
    // @NOTE pg-boss's own spans record an exception's message and stack, which can quote values;
    // job runs are traced by scheduleRecurringJobs instead (telemetry/job-tracing.ts), type only.
    openTelemetry: { enabled: false },
    ...(options.cronMonitorIntervalSeconds
      ? {
          cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds,
          cronWorkerIntervalSeconds: options.cronMonitorIntervalSeconds,
        }
      : {}),
  };
  const boss =
    db.connection.kind === 'pglite'
      ? new PgBoss({ ...common, db: fromPglite(db.connection.client), backend: 'pglite' })
      : new PgBoss({
          ...common,
          connectionString: db.connection.url,
          max: 4,
          application_name: options.applicationName,
        });
  await boss.start();
  return boss;
}
