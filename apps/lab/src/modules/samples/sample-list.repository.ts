import { olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
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
 * it on a one-trip scope (`sortlessReadInLabs`) for a single round trip. `onlyLab`: the scope's one
 * lab, when it has just one.
 *
 * The statement is shaped so that the index that serves the page is decided by the filter, not by
 * the planner's statistics (which lag after a bulk import). Row-level security alone gives the
 * planner `lab_id = ANY(<the scope>)`, which cannot return index order on PostgreSQL before 17, so:
 *
 * - a project, batch or container (each in one lab) or an id prefix, in a one-lab scope: no lab
 *   condition (row-level security's is the same lab), so the lab-wide (lab_id, created_at, id)
 *   index cannot stream the page: statistics that think the filter common (stale, or none after a
 *   bulk load) would otherwise have it walk the whole lab. The organiser's own (id, created_at, id)
 *   index streams it instead; an id prefix's matches are read from its index and sorted;
 * - otherwise one lab (asked for, or the scope's only one): a plain statement on it, which the
 *   (lab_id, ..., created_at, id) indexes stream;
 * - several labs: walked lab by lab (`unnest(app_lab_ids())`, a LATERAL subquery each) and merged,
 *   a shape that costs the planner about twice as much, so the common one-lab page does not pay it.
 *
 * The prefix search uses leakproof operators (`startsWith`) rather than LIKE: under row-level
 * security only leakproof operators can become index conditions.
 */
export async function listSamples(
  tx: LabExecutor,
  filter: SampleFilter,
  cursor: Cursor | undefined,
  limit: number,
  onlyLab?: string,
): Promise<SampleRow[]> {
  const { rows } = await sampleListStatement(filter, cursor, limit, onlyLab).execute(tx);
  return rows;
}

/** The statement `listSamples` runs (exported for the plan tests, which EXPLAIN it). */
export function sampleListStatement(
  filter: SampleFilter,
  cursor: Cursor | undefined,
  limit: number,
  onlyLab?: string,
): RawBuilder<SampleRow> {
  const conditions: Expression<SqlBool>[] = [];
  if (!filter.include_deleted) conditions.push(sql<SqlBool>`samples.deleted_at is null`);
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
  const lab = filter.lab_id ?? onlyLab;
  if (lab !== undefined) {
    const narrowed = filter.q || filter.project_id || filter.batch_id || filter.container_id;
    const scopeIsTheLab = onlyLab !== undefined && lab === onlyLab;
    const where = sql.join(
      narrowed && scopeIsTheLab ? conditions : [sql<SqlBool>`samples.lab_id = ${lab}`, ...conditions],
      sql` and `,
    );
    return sql<SampleRow>`select ${sampleColumnList} from samples where ${where}
      order by samples.created_at desc, samples.id desc limit ${limit}`;
  }
  const where = sql.join([sql<SqlBool>`samples.lab_id = scope.lab_id`, ...conditions], sql` and `);
  return sql<SampleRow>`select ${sampleColumnList}
    from unnest(public.app_lab_ids()) as scope(lab_id)
    cross join lateral (
      select * from samples where ${where}
      order by samples.created_at desc, samples.id desc limit ${limit}) samples
    order by samples.created_at desc, samples.id desc limit ${limit}`;
}

// Compiled to text once: fifteen column references cost more to compile per page than the rest
// of the statement. The names are the checked `sampleColumns` ("table.column", no quotes needed).
const sampleColumnList = sql.raw(
  sampleColumns
    .map((column) =>
      column
        .split('.')
        .map((part) => `"${part}"`)
        .join('.'),
    )
    .join(', '),
);
