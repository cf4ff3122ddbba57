import type { JsonObject } from '@ours/platform/db';
import { type Selectable, sql } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';

/** One recorded run of a scheduled job. */
export type JobRun = Selectable<LabSchema['job_runs']>;
export type JobName = JobRun['name'];
export type RunTrigger = JobRun['trigger'];

/** How long run records are kept. */
const keepDays = 30;

/**
 * Records a new run. The same statement closes runs of that job still 'running' hours later (their
 * worker died) and forgets runs older than 30 days: the checkpoint job runs every minute.
 */
export async function startRun(tx: LabExecutor, name: JobName, trigger: RunTrigger): Promise<JobRun> {
  return tx
    .with('abandoned', (db) =>
      db
        .updateTable('job_runs')
        .set({
          status: 'failed',
          finished_at: sql<string>`now()`,
          error: sql<string>`coalesce(error, 'abandoned: the run never finished')`,
        })
        .where('name', '=', name)
        .where('status', '=', 'running')
        .where('started_at', '<', sql<string>`now() - interval '6 hours'`),
    )
    .with('forgotten', (db) =>
      db
        .deleteFrom('job_runs')
        .where('name', '=', name)
        .where('started_at', '<', sql<string>`now() - make_interval(days => ${keepDays})`),
    )
    .insertInto('job_runs')
    .values({ name, trigger })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Closes a run with its outcome. */
export async function finishRun(
  tx: LabExecutor,
  id: string,
  outcome: { status: 'success' | 'failed'; details: JsonObject; error?: string | undefined },
): Promise<void> {
  await tx
    .updateTable('job_runs')
    .set({
      status: outcome.status,
      finished_at: sql<string>`now()`,
      details: JSON.stringify(outcome.details),
      error: outcome.error ?? null,
    })
    .where('id', '=', id)
    .execute();
}

/** The latest run of each job. */
export function latestRuns(tx: LabExecutor): Promise<JobRun[]> {
  return tx
    .selectFrom('job_runs')
    .selectAll()
    .distinctOn('name')
    .orderBy('name')
    .orderBy('started_at', 'desc')
    .execute();
}

/** The most recent runs of every job, newest first. */
export function recentRuns(tx: LabExecutor, limit: number): Promise<JobRun[]> {
  return tx.selectFrom('job_runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute();
}
