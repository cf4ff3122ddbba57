import type { ExpressionBuilder, Insertable, SelectExpression } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';

/** Projects, batches and containers: what samples are organised by (also their table names). */
export type OrganiserKind = 'projects' | 'batches' | 'containers';

/** A page of a list ordered by lab and code. */
export interface OffsetPage {
  limit: number;
  offset: number;
}

const projectColumns = [
  'id',
  'lab_id',
  'code',
  'name',
  'description',
  'status',
  'created_by',
  'created_at',
] satisfies SelectExpression<LabSchema, 'projects'>[];

const batchColumns = [
  'id',
  'lab_id',
  'code',
  'project_id',
  'status',
  'created_by',
  'created_at',
] satisfies SelectExpression<LabSchema, 'batches'>[];

/** A container's columns and how many live samples it holds. */
function containerColumns(eb: ExpressionBuilder<LabSchema, 'containers'>) {
  const sampleCount = eb
    .selectFrom('samples as s')
    .select((count) => count.fn.countAll<number>().as('n'))
    .whereRef('s.container_id', '=', 'containers.id')
    .where('s.deleted_at', 'is', null)
    .$asScalar(); // count(*) answers one row, never null
  return [
    'containers.id',
    'containers.lab_id',
    'containers.code',
    'containers.container_type',
    'containers.location',
    'containers.capacity',
    'containers.created_by',
    'containers.created_at',
    sampleCount.as('sample_count'),
  ] satisfies SelectExpression<LabSchema, 'containers'>[];
}

export function insertProject(tx: LabExecutor, values: Insertable<LabSchema['projects']>) {
  return tx.insertInto('projects').values(values).returning(projectColumns).executeTakeFirstOrThrow();
}

export function insertBatch(tx: LabExecutor, values: Insertable<LabSchema['batches']>) {
  return tx.insertInto('batches').values(values).returning(batchColumns).executeTakeFirstOrThrow();
}

export function insertContainer(tx: LabExecutor, values: Insertable<LabSchema['containers']>) {
  return tx.insertInto('containers').values(values).returning(containerColumns).executeTakeFirstOrThrow();
}

export function listProjects(tx: LabExecutor, page: OffsetPage) {
  return tx
    .selectFrom('projects')
    .select(projectColumns)
    .orderBy('lab_id')
    .orderBy('code')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export function listBatches(tx: LabExecutor, page: OffsetPage) {
  return tx
    .selectFrom('batches')
    .select(batchColumns)
    .orderBy('lab_id')
    .orderBy('code')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export function listContainers(tx: LabExecutor, page: OffsetPage) {
  return tx
    .selectFrom('containers')
    .select(containerColumns)
    .orderBy('containers.lab_id')
    .orderBy('containers.code')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export function projectById(tx: LabExecutor, id: string) {
  return tx.selectFrom('projects').select(projectColumns).where('id', '=', id).executeTakeFirst();
}

/** The project with this code among the labs in scope, if any. */
export function projectByCode(tx: LabExecutor, code: string) {
  return tx.selectFrom('projects').select(projectColumns).where('code', '=', code).executeTakeFirst();
}

export function batchById(tx: LabExecutor, id: string) {
  return tx.selectFrom('batches').select(batchColumns).where('id', '=', id).executeTakeFirst();
}

export function containerById(tx: LabExecutor, id: string) {
  return tx
    .selectFrom('containers')
    .select(containerColumns)
    .where('containers.id', '=', id)
    .executeTakeFirst();
}

/** The lab of each of these projects, batches or containers that the scope can see. */
export function organiserLabs(tx: LabExecutor, kind: OrganiserKind, ids: string[]) {
  return tx
    .selectFrom(kind)
    .select(['id', 'lab_id'])
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}
