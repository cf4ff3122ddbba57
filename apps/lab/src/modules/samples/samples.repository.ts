import { type Executor, olderThan, queryRows, textArray } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type SQL, sql } from 'drizzle-orm';
import { startsWith } from '../shared/business-id-prefix.ts';
import { isUuid } from '../shared/uuid.ts';
import type { SampleStatus } from './sample-status.ts';

export interface SampleRow {
  id: string;
  lab_id: string;
  sample_id: string;
  sample_type: string;
  status: SampleStatus;
  quantity: number;
  unit: string;
  container_id: string | null;
  project_id: string | null;
  batch_id: string | null;
  workflow_execution_id: string | null;
  metadata: Record<string, unknown>;
  created_by: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export const sampleColumns = sql`samples.id, samples.lab_id, samples.sample_id, samples.sample_type, samples.status,
  samples.quantity::float8 as quantity, samples.unit, samples.container_id, samples.project_id, samples.batch_id,
  samples.workflow_execution_id, samples.metadata, samples.created_by,
  to_json(samples.created_at) #>> '{}' as created_at, to_json(samples.updated_at) #>> '{}' as updated_at,
  to_json(samples.deleted_at) #>> '{}' as deleted_at`;

export interface SampleInsert {
  lab_id: string;
  sample_id: string;
  sample_type: string;
  status: SampleStatus;
  quantity: number;
  unit: string;
  container_id: string | null;
  project_id: string | null;
  batch_id: string | null;
  metadata: Record<string, unknown>;
  created_by: string;
}

/** Inserts many samples in one statement (bulk create, split); returns them in input order. */
export async function insertSamples(tx: Executor, samples: SampleInsert[]): Promise<SampleRow[]> {
  const rows = await queryRows<SampleRow & { ord: number }>(
    tx,
    sql`with input as (
          select * from jsonb_to_recordset(${JSON.stringify(samples.map((sample, ord) => ({ ...sample, ord })))}::jsonb)
            as x(ord int, lab_id uuid, sample_id text, sample_type text, status text, quantity numeric, unit text,
                 container_id uuid, project_id uuid, batch_id uuid, metadata jsonb, created_by uuid)),
        inserted as (
          insert into samples (lab_id, sample_id, sample_type, status, quantity, unit, container_id, project_id,
            batch_id, metadata, created_by, updated_by)
          select lab_id, sample_id, sample_type, status, quantity, unit, container_id, project_id, batch_id,
            coalesce(metadata, '{}'), created_by, created_by from input order by ord
          returning *)
        select ${sampleColumns}, input.ord from inserted samples join input on input.sample_id = samples.sample_id
          and input.lab_id = samples.lab_id
        order by input.ord`,
  );
  return rows.map(({ ord: _ord, ...row }) => row);
}

/** Which of these business ids already exist in the lab (including soft-deleted ones). */
export async function existingSampleIds(tx: Executor, labId: string, ids: string[]): Promise<string[]> {
  const rows = await queryRows<{ sample_id: string }>(
    tx,
    sql`select sample_id from samples where lab_id = ${labId} and sample_id = any(${textArray(ids)}) order by sample_id`,
  );
  return rows.map((row) => row.sample_id);
}

/** A sample by uuid or business id, among the labs in scope; optionally row-locked for a change. */
export async function findSamples(
  tx: Executor,
  key: string,
  options: { lock?: boolean } = {},
): Promise<SampleRow[]> {
  const where = isUuid(key) ? sql`samples.id = ${key}::uuid` : sql`samples.sample_id = ${key}`;
  return queryRows<SampleRow>(
    tx,
    sql`select ${sampleColumns} from samples where ${where} order by samples.lab_id ${options.lock ? sql`for update` : sql``}`,
  );
}

/** Live (not deleted) samples of one lab by business id, row-locked: the parents a new sample derives from. */
export async function samplesByBusinessIds(tx: Executor, labId: string, ids: string[]): Promise<SampleRow[]> {
  return queryRows<SampleRow>(
    tx,
    sql`select ${sampleColumns} from samples where lab_id = ${labId} and sample_id = any(${textArray(ids)})
          and deleted_at is null
        order by sample_id for update`,
  );
}

export interface SampleFilter {
  status?: string | undefined;
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
 * A page of samples, newest first, in the labs in scope (row-level security) and the filter.
 *
 * Walked lab by lab: row-level security alone gives the planner `lab_id = ANY(<the scope>)`, which
 * cannot return index order on PostgreSQL before 17, so every list sorted the whole lab (1.7 s at a
 * million samples). Per lab the (lab_id, ..., created_at, id) indexes stream the newest rows and the
 * pages are merged. The prefix search uses leakproof operators (`^@`, `~>=~`, `~<~`) rather than
 * LIKE: under row-level security only leakproof operators can become index conditions.
 */
export function listSamples(
  tx: Executor,
  filter: SampleFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<SampleRow[]> {
  return queryRows<SampleRow>(tx, listSamplesQuery(filter, cursor, limit));
}

/** The statement behind `listSamples`, for a caller that runs it in one round trip (`readInLabs`). */
export function listSamplesQuery(filter: SampleFilter, cursor: Cursor | undefined, limit: number): SQL {
  const conditions: SQL[] = [sql`samples.lab_id = scope.lab_id`];
  if (!filter.include_deleted) conditions.push(sql`samples.deleted_at is null`);
  if (filter.lab_id) conditions.push(sql`samples.lab_id = ${filter.lab_id}`);
  if (filter.status) conditions.push(sql`samples.status = ${filter.status}`);
  if (filter.project_id) conditions.push(sql`samples.project_id = ${filter.project_id}`);
  if (filter.batch_id) conditions.push(sql`samples.batch_id = ${filter.batch_id}`);
  if (filter.container_id) conditions.push(sql`samples.container_id = ${filter.container_id}`);
  if (filter.sample_type) conditions.push(sql`samples.sample_type = ${filter.sample_type}`);
  if (filter.q) conditions.push(startsWith(sql`samples.sample_id`, filter.q));
  if (filter.created_from) conditions.push(sql`samples.created_at >= ${filter.created_from}::timestamptz`);
  if (filter.created_to) conditions.push(sql`samples.created_at < ${filter.created_to}::timestamptz`);
  return sql`select ${sampleColumns} from unnest(public.app_lab_ids()) as scope(lab_id)
        cross join lateral (
          select * from samples where ${sql.join(conditions, sql` and `)}
          ${olderThan(cursor, sql`samples.created_at`)}
          order by samples.created_at desc, samples.id desc limit ${limit}) samples
        order by samples.created_at desc, samples.id desc limit ${limit}`;
}

/** Applies changed columns; `changes` keys are trusted column names from the service. */
export async function updateSample(
  tx: Executor,
  id: string,
  changes: Partial<
    Pick<
      SampleRow,
      | 'sample_type'
      | 'status'
      | 'quantity'
      | 'unit'
      | 'container_id'
      | 'project_id'
      | 'batch_id'
      | 'metadata'
      | 'workflow_execution_id'
    >
  >,
  by: string,
): Promise<SampleRow> {
  const sets = Object.entries(changes).map(([column, value]) =>
    column === 'metadata'
      ? sql`metadata = ${JSON.stringify(value)}::jsonb`
      : sql`${sql.identifier(column)} = ${value as string | number | null}`,
  );
  const [row] = await queryRows<SampleRow>(
    tx,
    sql`update samples set ${sql.join([...sets, sql`updated_by = ${by}`, sql`updated_at = now()`], sql`, `)}
        where id = ${id} returning ${sampleColumns}`,
  );
  if (!row) throw new Error('sample vanished during update');
  return row;
}

export async function softDeleteSample(tx: Executor, id: string, by: string): Promise<SampleRow> {
  const [row] = await queryRows<SampleRow>(
    tx,
    sql`update samples set deleted_at = now(), deleted_by = ${by}, updated_by = ${by}, updated_at = now()
        where id = ${id} returning ${sampleColumns}`,
  );
  if (!row) throw new Error('sample vanished during delete');
  return row;
}

export async function insertLineage(
  tx: Executor,
  links: { lab_id: string; parent_id: string; child_id: string; relation: string; created_by: string }[],
): Promise<void> {
  if (links.length === 0) return;
  await tx.execute(sql`insert into sample_lineage (lab_id, parent_id, child_id, relation, created_by)
    select lab_id, parent_id, child_id, relation, created_by from jsonb_to_recordset(${JSON.stringify(links)}::jsonb)
      as x(lab_id uuid, parent_id uuid, child_id uuid, relation text, created_by uuid)`);
}

export interface Relative {
  id: string;
  sample_id: string;
  status: string;
  depth: number;
  relation: string;
  via: string;
}

/**
 * Ancestors or descendants to `depth` levels, nearest first. The walk keeps the path it took, so a
 * cycle (which the API never creates, but data could hold) ends instead of looping.
 */
export function relatives(
  tx: Executor,
  id: string,
  direction: 'up' | 'down',
  depth: number,
): Promise<Relative[]> {
  if (depth === 0) return Promise.resolve([]);
  const [from, to] = direction === 'up' ? [sql`child_id`, sql`parent_id`] : [sql`parent_id`, sql`child_id`];
  return queryRows<Relative>(
    tx,
    sql`with recursive walk(node, via, relation, depth, path) as (
          select ${to}, ${from}, relation, 1, array[${id}::uuid, ${to}] from sample_lineage where ${from} = ${id}::uuid
          union all
          select l.${to}, l.${from}, l.relation, w.depth + 1, w.path || l.${to}
          from walk w join sample_lineage l on l.${from} = w.node
          where w.depth < ${depth} and not l.${to} = any(w.path))
        select distinct on (s.id) s.id, s.sample_id, s.status, w.depth, w.relation, w.via
        from walk w join samples s on s.id = w.node
        order by s.id, w.depth`,
  ).then((rows) => rows.sort((a, b) => a.depth - b.depth || a.sample_id.localeCompare(b.sample_id)));
}

/**
 * The business ids already taken under `prefix.` in the lab, to number new aliquots after them
 * (`^@`, not LIKE: leakproof, so the business-id index serves it under row-level security).
 */
export async function childSuffixes(
  tx: Executor,
  labId: string,
  parentBusinessId: string,
): Promise<number[]> {
  const rows = await queryRows<{ suffix: string }>(
    tx,
    sql`select substr(sample_id, ${parentBusinessId.length + 2}) as suffix from samples
        where lab_id = ${labId} and sample_id ^@ ${`${parentBusinessId}.`}`,
  );
  // Plain positive integers only: `1e21` or a 16-digit suffix would number the next aliquots wrongly.
  return rows.filter((row) => /^[1-9]\d{0,14}$/.test(row.suffix)).map((row) => Number(row.suffix));
}
