import { type Database, type Executor, queryAs, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';

export type JobName = 'weekly-digest' | 'check-user-status' | 'memory-retention';
export type RunTrigger = 'schedule' | 'manual' | 'api';
export type ItemOutcome = 'succeeded' | 'failed' | 'skipped';

export interface JobRun {
  id: string;
  name: JobName;
  slot: string;
  trigger: RunTrigger;
  dry_run: boolean;
  status: 'running' | 'success' | 'partial_success' | 'failed';
  started_at: string;
  finished_at: string | null;
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  skipped: number;
  details: Record<string, unknown>;
  error: string | null;
}

const service = { role: 'service_role' } as const;
const columns = sql`id, name, slot, trigger, dry_run, status, to_json(started_at) #>> '{}' as started_at,
  to_json(finished_at) #>> '{}' as finished_at, total, processed, succeeded, failed, skipped, details, error`;

export async function startRun(
  db: Database,
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
  const [row] = await queryAs<JobRun>(
    db,
    service,
    sql`with abandoned as (
          -- A run still 'running' hours later lost its worker (a crash, an expired job): close it.
          update job_runs set status = 'failed', finished_at = now(),
            error = coalesce(error, 'abandoned: the run never finished')
          where name = ${run.name} and status = 'running' and started_at < now() - interval '6 hours')
        insert into job_runs (name, slot, trigger, dry_run, total, processed, skipped, details, status, finished_at)
        values (${run.name}, ${run.slot}, ${run.trigger}, ${run.dryRun}, ${run.total}, ${skipped}, ${skipped},
          ${JSON.stringify(run.details ?? {})}::jsonb, ${done ? 'success' : 'running'}, ${done ? sql`now()` : sql`null`})
        returning ${columns}`,
  );
  if (!row) throw new Error('job run insert returned no row');
  return row;
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
export async function recordItems(db: Database, runId: string, counts: ItemCounts): Promise<void> {
  const added = counts.succeeded + counts.failed + counts.skipped;
  if (added === 0) return;
  await queryAs(
    db,
    service,
    sql`update job_runs set
          processed = processed + ${added},
          succeeded = succeeded + ${counts.succeeded},
          failed = failed + ${counts.failed},
          skipped = skipped + ${counts.skipped},
          error = coalesce(${counts.error ?? null}, error),
          details = jsonb_set(details, '{skip_reasons}', (
            select coalesce(jsonb_object_agg(key, total), '{}'::jsonb) from (
              select key, sum(value::int) as total from (
                select * from jsonb_each_text(coalesce(details->'skip_reasons', '{}'::jsonb))
                union all select * from jsonb_each_text(${JSON.stringify(counts.skipReasons)}::jsonb)) reasons
              group by key) summed)),
          finished_at = case when processed + ${added} >= total then now() else finished_at end,
          status = case when processed + ${added} >= total then
            (case when failed + ${counts.failed} = 0 then 'success'
                  when succeeded + ${counts.succeeded} + skipped + ${counts.skipped} > 0 then 'partial_success'
                  else 'failed' end)
            else status end
        where id = ${runId}`,
  );
}

/** A finished run's status follows from its counts. */
export function statusOf(counts: { succeeded: number; failed: number; skipped: number }): JobRun['status'] {
  if (counts.failed === 0) return 'success';
  return counts.succeeded + counts.skipped > 0 ? 'partial_success' : 'failed';
}

/** Closes a run with its final counts, inside the caller's service-role transaction. */
export async function finishRun(
  tx: Executor,
  runId: string,
  counts: { total?: number; processed: number; succeeded: number; failed: number; skipped: number },
  details: object,
  error?: string,
): Promise<JobRun> {
  const [row] = await queryRows<JobRun>(
    tx,
    sql`update job_runs set total = ${counts.total ?? counts.processed}, processed = ${counts.processed}, succeeded = ${counts.succeeded},
          failed = ${counts.failed}, skipped = ${counts.skipped}, details = details || ${JSON.stringify(details)}::jsonb,
          error = ${error ?? null}, finished_at = now(), status = ${statusOf(counts)}
        where id = ${runId}
        returning ${columns}`,
  );
  if (!row) throw new Error(`job run ${runId} not found`);
  return row;
}

export async function failRun(db: Database, runId: string, error: string): Promise<void> {
  await queryAs(
    db,
    service,
    sql`update job_runs set status = 'failed', error = ${error}, finished_at = now() where id = ${runId}`,
  );
}

export async function getRun(db: Database, runId: string): Promise<JobRun | undefined> {
  const [row] = await queryAs<JobRun>(db, service, sql`select ${columns} from job_runs where id = ${runId}`);
  return row;
}

export async function listRuns(db: Database, limit: number): Promise<JobRun[]> {
  return queryAs<JobRun>(
    db,
    service,
    sql`select ${columns} from job_runs order by started_at desc limit ${limit}`,
  );
}

/** Per job: latest run, for the admin view and metrics. */
export async function latestRuns(db: Database): Promise<JobRun[]> {
  return queryAs<JobRun>(
    db,
    service,
    sql`select distinct on (name) ${columns} from job_runs where not dry_run order by name, started_at desc`,
  );
}
