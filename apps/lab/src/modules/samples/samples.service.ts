import type { Executor } from '@ours/platform/db';
import { ConflictError, NotFoundError, ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/principal.repository.ts';
import { changedFields } from '../shared/changed-fields.ts';
import { appendAudit, appendAuditEntries } from '../audit/audit.repository.ts';
import type { AuditActor } from '../audit/audit-actor.ts';
import { checkFreeJson } from '../shared/free-json.ts';
import { checkAmount } from '../shared/quantities.ts';
import { inLabs, targetLab } from '../sites/lab-scope.ts';
import { allowedTransitions, canMove, isSpent, type SampleStatus } from './sample-status.ts';
import { auditView, explainWriteError, refuseReservedSampleId } from './sample-writes.ts';
import {
  existingSampleIds,
  findSamples,
  insertLineage,
  insertSamples,
  type SampleInsert,
  type SampleRow,
  samplesByBusinessIds,
  softDeleteSample,
  updateSample,
} from './samples.repository.ts';
import { maxMetadataBytes } from './samples.schema.ts';

export interface NewSampleInput {
  sample_id: string;
  sample_type: string;
  quantity: number;
  unit: string;
  status?: 'received' | 'in_storage' | undefined;
  lab_id?: string | undefined;
  container_id?: string | undefined;
  project_id?: string | undefined;
  batch_id?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  parents?: string[] | undefined;
  relation?: 'derivative' | 'pool' | undefined;
}

/** One sample of the caller's labs by uuid or business id, or a 404 (another lab's is invisible). */
export async function oneSample(
  tx: Executor,
  key: string,
  options: { lock?: boolean } = {},
): Promise<SampleRow> {
  const sample = await sampleIfAny(tx, key, options);
  if (!sample) throw new NotFoundError('sample_not_found', `There is no sample ${key}`);
  return sample;
}

/** Like `oneSample`, but undefined when the caller's labs hold no such sample. */
export async function sampleIfAny(
  tx: Executor,
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

/**
 * Creates 1-100 samples in ONE transaction: all or nothing. Duplicates inside the request or
 * against existing ids are a 409 listing every one of them.
 */
export async function createSamples(
  ctx: LabContext,
  caller: Principal,
  inputs: NewSampleInput[],
  actor: AuditActor,
): Promise<SampleRow[]> {
  const rows: SampleInsert[] = inputs.map((input) => {
    refuseReservedSampleId(input.sample_id);
    checkFreeJson(input.metadata, 'metadata', maxMetadataBytes);
    checkAmount(input.quantity);
    return {
      lab_id: targetLab(caller.lab_ids, input.lab_id),
      sample_id: input.sample_id,
      sample_type: input.sample_type.trim(),
      status: input.status ?? 'received',
      quantity: input.quantity,
      unit: input.unit.trim(),
      container_id: input.container_id ?? null,
      project_id: input.project_id ?? null,
      batch_id: input.batch_id ?? null,
      metadata: input.metadata ?? {},
      created_by: caller.id,
    };
  });
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const row of rows) {
    const key = `${row.lab_id}/${row.sample_id}`;
    if (seen.has(key)) repeated.add(row.sample_id);
    seen.add(key);
  }
  if (repeated.size > 0) {
    throw new ConflictError('duplicate_sample_ids', `Repeated in the request: ${[...repeated].join(', ')}`, {
      sample_ids: [...repeated],
    });
  }
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const taken: string[] = [];
    for (const labId of new Set(rows.map((row) => row.lab_id))) {
      const ids = rows.filter((row) => row.lab_id === labId).map((row) => row.sample_id);
      taken.push(...(await existingSampleIds(tx, labId, ids)));
    }
    if (taken.length > 0) {
      throw new ConflictError('samples_exist', `Already exist: ${taken.join(', ')}`, { sample_ids: taken });
    }
    // Parents are looked up before anything is inserted, so a parent is always a live sample that
    // existed before this request: never one of the new samples (no cycles), never a deleted one.
    const parentsOf: SampleRow[][] = [];
    for (const [index, input] of inputs.entries()) {
      if (!input.parents) {
        parentsOf.push([]);
        continue;
      }
      const parents = await samplesByBusinessIds(tx, (rows[index] as SampleInsert).lab_id, input.parents);
      const missing = input.parents.filter((id) => !parents.some((parent) => parent.sample_id === id));
      if (missing.length > 0) {
        throw new ValidationError(
          'unknown_parent',
          `No such parent sample in that lab: ${missing.join(', ')}`,
        );
      }
      parentsOf.push(parents);
    }
    const created = await insertSamples(tx, rows).catch(explainWriteError);
    const links = created.flatMap((child, index) => {
      const parents = parentsOf[index] ?? [];
      const relation = inputs[index]?.relation ?? (parents.length > 1 ? 'pool' : 'derivative');
      return parents.map((parent) => ({
        lab_id: child.lab_id,
        parent_id: parent.id,
        child_id: child.id,
        relation,
        created_by: caller.id,
      }));
    });
    await insertLineage(tx, links);
    await appendAuditEntries(
      tx,
      created.map((sample) => ({
        ...actor,
        action: 'sample.create',
        entity_type: 'sample',
        entity_id: sample.id,
        before: null,
        after: auditView(sample),
        reason: null,
      })),
    );
    return created;
  });
}

export interface SampleChanges {
  sample_type?: string | undefined;
  status?: SampleStatus | undefined;
  quantity?: number | undefined;
  unit?: string | undefined;
  container_id?: string | null | undefined;
  project_id?: string | null | undefined;
  batch_id?: string | null | undefined;
  metadata?: Record<string, unknown> | undefined;
  reason: string;
}

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
    const { reason, ...fields } = {
      ...changes,
      sample_type: changes.sample_type?.trim(),
      unit: changes.unit?.trim(),
    };
    if (fields.status && !canMove(sample.status, fields.status)) {
      throw new ConflictError(
        'invalid_status_transition',
        `A ${sample.status} sample cannot become ${fields.status}`,
        { from: sample.status, to: fields.status, allowed: allowedTransitions[sample.status] },
      );
    }
    const wanted = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    const updated = await updateSample(tx, sample.id, wanted, caller.id).catch(explainWriteError);
    const diff = changedFields(sample, updated, Object.keys(wanted) as (keyof SampleRow)[]);
    if (diff) {
      await appendAudit(tx, {
        ...actor,
        action: 'sample.update',
        entity_type: 'sample',
        entity_id: sample.id,
        ...diff,
        reason,
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
    await appendAudit(tx, {
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

/** Assigns a sample to a workflow execution (workflows arrive later; the id is recorded). */
export function assignWorkflow(
  ctx: LabContext,
  caller: Principal,
  key: string,
  input: { workflow_execution_id: string; reason?: string | undefined },
  actor: AuditActor,
): Promise<SampleRow> {
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const sample = await oneSample(tx, key, { lock: true });
    if (sample.deleted_at) throw new ConflictError('sample_deleted', 'This sample was deleted');
    if (isSpent(sample.status))
      throw new ConflictError('sample_spent', `A ${sample.status} sample cannot be assigned`);
    const updated = await updateSample(
      tx,
      sample.id,
      { workflow_execution_id: input.workflow_execution_id },
      caller.id,
    );
    await appendAudit(tx, {
      ...actor,
      action: 'sample.assign_workflow',
      entity_type: 'sample',
      entity_id: sample.id,
      before: { workflow_execution_id: sample.workflow_execution_id },
      after: { workflow_execution_id: input.workflow_execution_id },
      reason: input.reason ?? null,
    });
    return updated;
  });
}
