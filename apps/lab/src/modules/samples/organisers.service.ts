import { ConflictError, NotFoundError, ValidationError } from '@ours/platform/errors';
import type { Static } from 'typebox';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../shared/db-errors.ts';
import { inLabs, readInLabs, targetLab } from '../sites/index.ts';
import {
  batchById,
  containerById,
  insertBatch,
  insertContainer,
  insertProject,
  listBatches,
  listContainers,
  listProjects,
  type OffsetPage,
  projectById,
} from './organisers.repository.ts';
import type { NewBatch, NewContainer, NewProject } from './organisers.schema.ts';

/** One kind of organiser (projects, batches or containers) as the routes use it. */
export interface Organisers<In, Row> {
  /** Creates one in one of the caller's labs, audited. */
  create(ctx: LabContext, caller: Principal, input: In, actor: AuditActor): Promise<Row>;
  /** Those of the caller's labs, by lab and code. */
  page(ctx: LabContext, caller: Principal, page: OffsetPage): Promise<Row[]>;
  /** One of the caller's labs', or a 404. */
  get(ctx: LabContext, caller: Principal, id: string): Promise<Row>;
}

/** How one kind is stored (its repository functions). */
interface OrganiserStore<In, Row> {
  insert(tx: LabExecutor, values: Omit<In, 'lab_id'> & { lab_id: string; created_by: string }): Promise<Row>;
  list(tx: LabExecutor, page: OffsetPage): Promise<Row[]>;
  byId(tx: LabExecutor, id: string): Promise<Row | undefined>;
}

function organisers<In extends { lab_id?: string | undefined; code: string }, Row extends { id: string }>(
  noun: string,
  store: OrganiserStore<In, Row>,
): Organisers<In, Row> {
  return {
    create(ctx, caller, input, actor) {
      const { lab_id: requestedLab, ...fields } = input;
      const labId = targetLab(caller.lab_ids, requestedLab);
      return inLabs(ctx.db, caller.lab_ids, async (tx) => {
        const row = await store
          .insert(tx, { ...fields, lab_id: labId, created_by: caller.id })
          .catch((error) => {
            if (isUniqueViolation(error)) {
              throw new ConflictError(`${noun}_exists`, `A ${noun} ${input.code} exists in that lab`);
            }
            if (isForeignKeyViolation(error)) {
              throw new ValidationError('unknown_reference', 'The project does not exist in that lab');
            }
            throw error;
          });
        await ctx.audit.append(tx, {
          ...actor,
          action: `${noun}.create`,
          entity_type: noun,
          entity_id: row.id,
          before: null,
          after: { ...fields, lab_id: labId },
          reason: null,
        });
        return row;
      });
    },
    page: (ctx, caller, page) => store.list(readInLabs(ctx.db, caller.lab_ids), page),
    async get(ctx, caller, id) {
      const row = await store.byId(readInLabs(ctx.db, caller.lab_ids), id);
      if (!row) throw new NotFoundError(`${noun}_not_found`, `There is no such ${noun}`);
      return row;
    },
  };
}

export const projects = organisers<Static<typeof NewProject>, Awaited<ReturnType<typeof insertProject>>>(
  'project',
  { insert: insertProject, list: listProjects, byId: projectById },
);
export const batches = organisers<Static<typeof NewBatch>, Awaited<ReturnType<typeof insertBatch>>>('batch', {
  insert: insertBatch,
  list: listBatches,
  byId: batchById,
});
export const containers = organisers<
  Static<typeof NewContainer>,
  Awaited<ReturnType<typeof insertContainer>>
>('container', { insert: insertContainer, list: listContainers, byId: containerById });
