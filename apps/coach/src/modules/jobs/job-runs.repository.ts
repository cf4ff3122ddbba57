import { type Selectable, sql } from 'kysely';
import type { CoachExecutor, CoachSchema } from '../../db/coach-database.ts';

/** One `job_runs` row: a job's run with its item counts (admin view, metrics, job results). */
export type JobRun = Selectable<CoachSchema['job_runs']>;
export type JobName = JobRun['name'];
export type RunTrigger = JobRun['trigger'];
export type ItemOutcome = 'succeeded' | 'failed' | 'skipped';

/**
 * Records a new run (as the service role). A run of the same job still 'running' hours later lost
 * its worker (a crash, an expired job): the same statement closes it.
 */
export function startRun(
  tx: CoachExecutor,
  run: {
    name: JobName;
    slot: string;
    trigger: RunTrigger;
    dryRun: boolean;
    total: number;
    /** Items settled before any work (e.g. users whose note already exists). */
    skipped?: number;
    details?: object;
  },
): Promise<JobRun> {
  const skipped = run.skipped ?? 0;
  const done = run.total > 0 && skipped >= run.total;
  return tx
    .with('abandoned', (db) =>
      db
        .updateTable('job_runs')
        .set({
          status: 'failed',
          finished_at: sql<string>`now()`,
          error: sql<string>`coalesce(error, 'abandoned: the run never finished')`,
        })
        .where('name', '=', run.name)
        .where('status', '=', 'running')
        .where('started_at', '<', sql<string>`now() - interval '6 hours'`),
    )
    .insertInto('job_runs')
    .values({
      name: run.name,
      slot: run.slot,
      trigger: run.trigger,
      dry_run: run.dryRun,
      total: run.total,
      processed: skipped,
      skipped,
      details: JSON.stringify(run.details ?? {}),
      status: done ? 'success' : 'running',
      finished_at: done ? sql<string>`now()` : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Outcomes of several items of one run, added up. */
export interface ItemCounts {
  succeeded: number;
  failed: number;
  skipped: number;
  skipReasons: Record<string, number>;
  error?: string | undefined;
}

export function countItem(
  counts: ItemCounts,
  outcome: ItemOutcome,
  note: { error?: string; skipReason?: string } = {},
): ItemCounts {
  counts[outcome] += 1;
  if (note.skipReason) counts.skipReasons[note.skipReason] = (counts.skipReasons[note.skipReason] ?? 0) + 1;
  if (note.error) counts.error = note.error;
  return counts;
}

export const noItems = (): ItemCounts => ({ succeeded: 0, failed: 0, skipped: 0, skipReasons: {} });

/**
 * Adds finished items to a fanned-out run in one statement (a batch at a time keeps the run's row
 * from becoming a hot spot); the run finishes when every item is counted.
 */
export async function recordItems(tx: CoachExecutor, runId: string, counts: ItemCounts): Promise<void> {
  const added = counts.succeeded + counts.failed + counts.skipped;
  if (added === 0) return;
  const complete = sql<boolean>`processed + ${added} >= total`;
  await tx
    .updateTable('job_runs')
    .set((eb) => ({
      processed: eb('processed', '+', added),
      succeeded: eb('succeeded', '+', counts.succeeded),
      failed: eb('failed', '+', counts.failed),
      skipped: eb('skipped', '+', counts.skipped),
      error: eb.fn.coalesce(eb.val(counts.error ?? null), 'error'),
      // The reasons counted so far plus this batch's, summed per reason.
      details: sql<string>`jsonb_set(details, '{skip_reasons}', (
        select coalesce(jsonb_object_agg(key, total), '{}'::jsonb) from (
          select key, sum(value::int) as total from (
            select * from jsonb_each_text(coalesce(details->'skip_reasons', '{}'::jsonb))
            union all select * from jsonb_each_text(${JSON.stringify(counts.skipReasons)}::jsonb)) reasons
          group by key) summed))`,
      finished_at: sql<string | null>`case when ${complete} then now() else finished_at end`,
      status: sql<JobRun['status']>`case when ${complete} then
        (case when failed + ${counts.failed} = 0 then 'success'
              when succeeded + ${counts.succeeded} + skipped + ${counts.skipped} > 0 then 'partial_success'
              else 'failed' end)
        else status end`,
    }))
    .where('id', '=', runId)
    .execute();
}

/** A finished run's status follows from its counts. */
export function statusOf(counts: { succeeded: number; failed: number; skipped: number }): JobRun['status'] {
  if (counts.failed === 0) return 'success';
  return counts.succeeded + counts.skipped > 0 ? 'partial_success' : 'failed';
}

/** Closes a run with its final counts, inside the caller's service-role transaction. */
export function finishRun(
  tx: CoachExecutor,
  runId: string,
  counts: { total?: number; processed: number; succeeded: number; failed: number; skipped: number },
  details: object,
  error?: string,
): Promise<JobRun> {
  return tx
    .updateTable('job_runs')
    .set({
      total: counts.total ?? counts.processed,
      processed: counts.processed,
      succeeded: counts.succeeded,
      failed: counts.failed,
      skipped: counts.skipped,
      details: sql<string>`details || ${JSON.stringify(details)}::jsonb`,
      error: error ?? null,
      finished_at: sql<string>`now()`,
      status: statusOf(counts),
    })
    .where('id', '=', runId)
    .returningAll()
    .executeTakeFirstOrThrow(() => new Error(`job run ${runId} not found`));
}

export async function failRun(tx: CoachExecutor, runId: string, error: string): Promise<void> {
  await tx
    .updateTable('job_runs')
    .set({ status: 'failed', error, finished_at: sql<string>`now()` })
    .where('id', '=', runId)
    .execute();
}

export function getRun(tx: CoachExecutor, runId: string): Promise<JobRun | undefined> {
  return tx.selectFrom('job_runs').selectAll().where('id', '=', runId).executeTakeFirst();
}

export function listRuns(tx: CoachExecutor, limit: number): Promise<JobRun[]> {
  return tx.selectFrom('job_runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute();
}

/** Per job: latest run, for the admin view and metrics. */
export function latestRuns(tx: CoachExecutor): Promise<JobRun[]> {
  return tx
    .selectFrom('job_runs')
    .distinctOn('name')
    .selectAll()
    .where('dry_run', '=', false)
    .orderBy('name')
    .orderBy('started_at', 'desc')
    .execute();
}
