import { ConflictError, NotFoundError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { changedFields } from '../shared/changed-fields.ts';
import { checkFreeJson } from '../shared/free-json.ts';
import { checkAmount } from '../shared/quantities.ts';
import { inLabs } from '../sites/index.ts';
import { allowedTransitions, canMove } from './sample-status.ts';
import { explainWriteError } from './sample-writes.ts';
import {
  findSamples,
  type SampleChangeSet,
  type SampleRow,
  softDeleteSample,
  updateSample,
} from './samples.repository.ts';
import { maxMetadataBytes } from './samples.schema.ts';

/** One sample of the caller's labs by uuid or business id, or a 404 (another lab's is invisible). */
export async function oneSample(
  tx: LabExecutor,
  key: string,
  options: { lock?: boolean } = {},
): Promise<SampleRow> {
  const sample = await sampleIfAny(tx, key, options);
  if (!sample) throw new NotFoundError('sample_not_found', `There is no sample ${key}`);
  return sample;
}

/** Like `oneSample`, but undefined when the caller's labs hold no such sample. */
export async function sampleIfAny(
  tx: LabExecutor,
  key: string,
  options: { lock?: boolean } = {},
): Promise<SampleRow | undefined> {
  const rows = await findSamples(tx, key, options);
  const [first, ...others] = rows;
  if (others.length > 0) {
    throw new ConflictError('ambiguous_sample', `${key} exists in several of your labs: use its uuid`, {
      ids: rows.map((row) => ({ id: row.id, lab_id: row.lab_id })),
    });
  }
  return first;
}

/** What a client may change, with why. */
export type SampleChanges = SampleChangeSet & { reason: string };

/** The fields a change may touch, in the order its audit entry lists them. */
const changeable = [
  'sample_type',
  'status',
  'quantity',
  'unit',
  'container_id',
  'project_id',
  'batch_id',
  'metadata',
] satisfies (keyof SampleChanges & keyof SampleRow)[];

/** Updates a sample with a reason; status moves are checked against the lifecycle. */
export function changeSample(
  ctx: LabContext,
  caller: Principal,
  key: string,
  changes: SampleChanges,
  actor: AuditActor,
): Promise<SampleRow> {
  checkFreeJson(changes.metadata, 'metadata', maxMetadataBytes);
  if (changes.quantity !== undefined) checkAmount(changes.quantity);
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const sample = await oneSample(tx, key, { lock: true });
    if (sample.deleted_at)
      throw new ConflictError('sample_deleted', 'This sample was deleted; it cannot change');
    // Named one by one, so nothing but these columns can reach the update. Left undefined, a field
    // is not set (the update skips it) and not compared.
    const wanted: SampleChangeSet = {
      sample_type: changes.sample_type?.trim(),
      status: changes.status,
      quantity: changes.quantity,
      unit: changes.unit?.trim(),
      container_id: changes.container_id,
      project_id: changes.project_id,
      batch_id: changes.batch_id,
      metadata: changes.metadata,
    };
    if (wanted.status && !canMove(sample.status, wanted.status)) {
      throw new ConflictError(
        'invalid_status_transition',
        `A ${sample.status} sample cannot become ${wanted.status}`,
        { from: sample.status, to: wanted.status, allowed: allowedTransitions[sample.status] },
      );
    }
    const updated = await updateSample(tx, sample.id, wanted, caller.id).catch(explainWriteError);
    const asked = changeable.filter((field) => wanted[field] !== undefined);
    const diff = changedFields(sample, updated, asked);
    if (diff) {
      await ctx.audit.append(tx, {
        ...actor,
        action: 'sample.update',
        entity_type: 'sample',
        entity_id: sample.id,
        ...diff,
        reason: changes.reason,
      });
    }
    return updated;
  });
}

/** Soft delete (admins, with a reason): hidden from lists, kept for the record, never undeleted. */
export function deleteSample(
  ctx: LabContext,
  caller: Principal,
  key: string,
  reason: string,
  actor: AuditActor,
): Promise<SampleRow> {
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const sample = await oneSample(tx, key, { lock: true });
    if (sample.deleted_at) throw new NotFoundError('sample_not_found', `Sample ${key} is already deleted`);
    const deleted = await softDeleteSample(tx, sample.id, caller.id);
    await ctx.audit.append(tx, {
      ...actor,
      action: 'sample.delete',
      entity_type: 'sample',
      entity_id: sample.id,
      before: { deleted_at: null },
      after: { deleted_at: deleted.deleted_at },
      reason,
    });
    return deleted;
  });
}
