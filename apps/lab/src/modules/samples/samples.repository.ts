import { preparedStatement } from '@ours/platform/db';
import { type Selectable, type SelectExpression, sql } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';
import { isUuid } from '../shared/uuid.ts';

/** A sample as the API shows it: every column but who last changed or deleted it. */
export type SampleRow = Omit<
  Selectable<LabSchema['samples']>,
  'updated_by' | 'deleted_by' | 'legacy_workflow_execution_id'
>;

/** The columns of a `SampleRow`, for `select` and `returning`. */
export const sampleColumns = [
  'samples.id',
  'samples.lab_id',
  'samples.sample_id',
  'samples.sample_type',
  'samples.status',
  'samples.quantity',
  'samples.unit',
  'samples.container_id',
  'samples.project_id',
  'samples.batch_id',
  'samples.metadata',
  'samples.created_by',
  'samples.created_at',
  'samples.updated_at',
  'samples.deleted_at',
] satisfies SelectExpression<LabSchema, 'samples'>[];

/** Samples as `SampleRow`s. */
function selectSamples(tx: LabExecutor) {
  return tx.selectFrom('samples').select(sampleColumns);
}

/** What a new sample is stored with (bulk create, split, CSV import). */
export type SampleInsert = Pick<
  SampleRow,
  | 'lab_id'
  | 'sample_id'
  | 'sample_type'
  | 'status'
  | 'quantity'
  | 'unit'
  | 'container_id'
  | 'project_id'
  | 'batch_id'
  | 'created_by'
> & { metadata: Record<string, unknown> };

/**
 * Inserts many samples in one statement (create, bulk create, split, CSV import); returns them in
 * input order. Raw SQL: the rows travel as one JSON document (`jsonb_to_recordset`), so a 10,000-row
 * import meets no bind-parameter limit. A sample whose business id is taken in its lab is skipped,
 * not an error, and answered in `taken` (the caller refuses the whole request then). The unique index decides
 * (`on conflict`), so there is no separate look-up whose plan could go wrong, and no race between
 * looking and inserting.
 */
export async function insertSamples(
  tx: LabExecutor,
  samples: SampleInsert[],
): Promise<{ created: SampleRow[]; taken: string[] }> {
  const input = JSON.stringify(samples.map((sample, ord) => ({ ...sample, ord })));
  const { rows } = await sql<SampleRow>`
    with input as (
      select * from jsonb_to_recordset(${input}::jsonb)
        as x(ord int, lab_id uuid, sample_id text, sample_type text, status text, quantity numeric, unit text,
             container_id uuid, project_id uuid, batch_id uuid, metadata jsonb, created_by uuid)),
    inserted as (
      insert into samples (lab_id, sample_id, sample_type, status, quantity, unit, container_id, project_id,
        batch_id, metadata, created_by, updated_by)
      select lab_id, sample_id, sample_type, status, quantity, unit, container_id, project_id, batch_id,
        coalesce(metadata, '{}'), created_by, created_by from input order by ord
      on conflict (lab_id, sample_id) do nothing
      returning *)
    select ${sql.join(sampleColumns.map((column) => sql.ref(column)))}
    from inserted samples join input on input.sample_id = samples.sample_id and input.lab_id = samples.lab_id
    order by input.ord${preparedStatement}`.execute(tx);
  const created = new Set(rows.map((row) => `${row.lab_id}/${row.sample_id}`));
  const taken = samples.filter((sample) => !created.has(`${sample.lab_id}/${sample.sample_id}`));
  return { created: rows, taken: [...new Set(taken.map((sample) => sample.sample_id))].sort() };
}

/**
 * Which of these business ids already exist in the lab (including soft-deleted ones). One probe of
 * the unique index per id: a full-key match on a unique index is planned the same way whatever the
 * statistics say, so a lab that was bulk-loaded a moment ago is not read in full.
 */
export async function existingSampleIds(tx: LabExecutor, labId: string, ids: string[]): Promise<string[]> {
  const { rows } = await sql<{ sample_id: string }>`
    select found.sample_id
    from unnest(${ids}::text[]) as wanted(sample_id)
    cross join lateral (
      select s.sample_id from samples s where s.lab_id = ${labId} and s.sample_id = wanted.sample_id) found
    order by found.sample_id`.execute(tx);
  return rows.map((row) => row.sample_id);
}

/** A sample by uuid or business id, among the labs in scope; optionally row-locked for a change. */
export async function findSamples(
  tx: LabExecutor,
  key: string,
  options: { lock?: boolean } = {},
): Promise<SampleRow[]> {
  // Ordered here, not in SQL: an ORDER BY lab_id let a planner without statistics (PGlite after a
  // bulk load) walk a whole lab's index in lab order instead of probing the business key.
  const rows = await selectSamples(tx)
    .where(isUuid(key) ? 'samples.id' : 'samples.sample_id', '=', key)
    .$if(options.lock === true, (query) => query.forUpdate())
    .execute();
  return rows.sort((a, b) => (a.lab_id < b.lab_id ? -1 : a.lab_id > b.lab_id ? 1 : 0));
}

/** Live (not deleted) samples of one lab by business id, row-locked: the parents a new sample derives from. */
export async function samplesByBusinessIds(
  tx: LabExecutor,
  labId: string,
  ids: string[],
): Promise<SampleRow[]> {
  // One probe of the unique index per id (see existingSampleIds): a filter on the lab and a list of
  // ids let a planner without statistics walk the whole lab.
  const { rows } = await sql<SampleRow>`
    select ${sql.join(sampleColumns.map((column) => sql.ref(column)))}
    from unnest(${ids}::text[]) as wanted(sample_id)
    join samples on samples.lab_id = ${labId} and samples.sample_id = wanted.sample_id
    where samples.deleted_at is null
    order by samples.sample_id
    for update of samples`.execute(tx);
  return rows;
}

/** The samples in scope with any of these uuids or business ids (labels), in no particular order. */
export function samplesByKeys(tx: LabExecutor, uuids: string[], businessIds: string[]): Promise<SampleRow[]> {
  return selectSamples(tx)
    .where((eb) =>
      eb.or([
        eb('samples.id', '=', eb.fn.any(eb.val(uuids))),
        eb('samples.sample_id', '=', eb.fn.any(eb.val(businessIds))),
      ]),
    )
    .execute();
}

/** The columns a change may set (the service decides which; `metadata` is a whole new object). */
export type SampleChangeSet = Partial<
  Pick<
    SampleRow,
    'sample_type' | 'status' | 'quantity' | 'unit' | 'container_id' | 'project_id' | 'batch_id'
  > & { metadata: Record<string, unknown> }
>;

/** Applies the changed columns and stamps who changed the sample. */
export async function updateSample(
  tx: LabExecutor,
  id: string,
  changes: SampleChangeSet,
  by: string,
): Promise<SampleRow> {
  const { metadata, ...columns } = changes;
  return tx
    .updateTable('samples')
    .set({
      ...columns,
      ...(metadata === undefined ? {} : { metadata: JSON.stringify(metadata) }),
      updated_by: by,
      updated_at: sql<string>`now()`,
    })
    .where('id', '=', id)
    .returning(sampleColumns)
    .executeTakeFirstOrThrow(() => new Error('sample vanished during update'));
}

export function softDeleteSample(tx: LabExecutor, id: string, by: string): Promise<SampleRow> {
  return tx
    .updateTable('samples')
    .set({ deleted_at: sql<string>`now()`, deleted_by: by, updated_by: by, updated_at: sql<string>`now()` })
    .where('id', '=', id)
    .returning(sampleColumns)
    .executeTakeFirstOrThrow(() => new Error('sample vanished during delete'));
}

/**
 * The business ids already taken under `prefix.` in the lab, to number new aliquots after them
 * (`^@`, not LIKE: leakproof, so the business-id index serves it under row-level security).
 */
export async function childSuffixes(
  tx: LabExecutor,
  labId: string,
  parentBusinessId: string,
): Promise<number[]> {
  const rows = await tx
    .selectFrom('samples')
    .select((eb) => eb.fn<string>('substr', ['sample_id', eb.val(parentBusinessId.length + 2)]).as('suffix'))
    .where('lab_id', '=', labId)
    .where('sample_id', '^@', `${parentBusinessId}.`)
    .execute();
  // Plain positive integers only: `1e21` or a 16-digit suffix would number the next aliquots wrongly.
  return rows.filter((row) => /^[1-9]\d{0,14}$/.test(row.suffix)).map((row) => Number(row.suffix));
}
