import { olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { LabExecutor } from '../../db/lab-database.ts';
import { startsWith } from '../shared/business-id-prefix.ts';
import type { SampleStatus } from './sample-status.ts';
import { type SampleRow, sampleColumns } from './samples.repository.ts';

export interface SampleFilter {
  status?: SampleStatus | undefined;
  project_id?: string | undefined;
  batch_id?: string | undefined;
  container_id?: string | undefined;
  sample_type?: string | undefined;
  q?: string | undefined;
  created_from?: string | undefined;
  created_to?: string | undefined;
  include_deleted?: boolean | undefined;
  lab_id?: string | undefined;
}

/**
 * A page of samples, newest first, in the labs in scope (row-level security) and the filter; run
 * it on a one-trip scope (`readInLabs`) for a single round trip.
 *
 * Walked lab by lab: row-level security alone gives the planner `lab_id = ANY(<the scope>)`, which
 * cannot return index order on PostgreSQL before 17, so every list sorted the whole lab (1.7 s at a
 * million samples). Per lab (`unnest(app_lab_ids())`, a LATERAL subquery each) the
 * (lab_id, ..., created_at, id) indexes stream the newest rows and the pages are merged. The prefix
 * search uses leakproof operators (`startsWith`) rather than LIKE: under row-level security only
 * leakproof operators can become index conditions.
 */
export async function listSamples(
  tx: LabExecutor,
  filter: SampleFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<SampleRow[]> {
  const conditions: Expression<SqlBool>[] = [sql<SqlBool>`samples.lab_id = scope.lab_id`];
  if (!filter.include_deleted) conditions.push(sql<SqlBool>`samples.deleted_at is null`);
  if (filter.lab_id) conditions.push(sql<SqlBool>`samples.lab_id = ${filter.lab_id}`);
  if (filter.status) conditions.push(sql<SqlBool>`samples.status = ${filter.status}`);
  if (filter.project_id) conditions.push(sql<SqlBool>`samples.project_id = ${filter.project_id}`);
  if (filter.batch_id) conditions.push(sql<SqlBool>`samples.batch_id = ${filter.batch_id}`);
  if (filter.container_id) conditions.push(sql<SqlBool>`samples.container_id = ${filter.container_id}`);
  if (filter.sample_type) conditions.push(sql<SqlBool>`samples.sample_type = ${filter.sample_type}`);
  if (filter.q) conditions.push(startsWith(sql.ref('samples.sample_id'), filter.q));
  if (filter.created_from) conditions.push(sql<SqlBool>`samples.created_at >= ${filter.created_from}`);
  if (filter.created_to) conditions.push(sql<SqlBool>`samples.created_at < ${filter.created_to}`);
  if (cursor) conditions.push(olderThan(sql.ref('samples.created_at'), sql.ref('samples.id'), cursor));
  // Raw on purpose: this is the hottest statement of the lab, and the query builder cost seven times
  // as much CPU per page as this template (31 µs against 4 µs here, more under load). The columns
  // are the checked `sampleColumns`; the row type is the generated one.
  const { rows } = await sql<SampleRow>`select ${sampleColumnList}
    from unnest(public.app_lab_ids()) as scope(lab_id)
    cross join lateral (
      select * from samples where ${sql.join(conditions, sql` and `)}
      order by samples.created_at desc, samples.id desc limit ${limit}) samples
    order by samples.created_at desc, samples.id desc limit ${limit}`.execute(tx);
  return rows;
}

const sampleColumnList = sql.join(sampleColumns.map((column) => sql.ref(column)));
