import { AppError, ConflictError, ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { checkAmount } from '../shared/quantities.ts';
import { laterRepeats } from '../shared/repeated-keys.ts';
import { inLabs } from '../sites/index.ts';
import { insertLineage } from './sample-lineage.repository.ts';
import { isSpent } from './sample-status.ts';
import {
  auditView,
  explainWriteError,
  refuseRepeatedSampleIds,
  refuseReservedSampleId,
  refuseTakenSampleIds,
} from './sample-writes.ts';
import {
  childSuffixes,
  insertSamples,
  type SampleInsert,
  type SampleRow,
  updateSample,
} from './samples.repository.ts';
import { oneSample } from './samples.service.ts';

export interface SplitInput {
  children: { sample_id?: string | undefined; quantity: number }[];
  relation?: 'aliquot' | 'derivative' | 'pool' | undefined;
  reason?: string | undefined;
}

// Quantities are numeric(20,6): compare in millionths so 0.1 + 0.2 does not overdraw by rounding.
const micro = (value: number) => Math.round(value * 1e6);

/**
 * Splits a sample into children (aliquots by default): ids generated as PARENT.1, PARENT.2, ...
 * after any already taken, or given; the children's total never exceeds what the parent has left,
 * and the parent is decremented in the same transaction (its row locked first).
 */
export function splitSample(
  ctx: LabContext,
  caller: Principal,
  key: string,
  input: SplitInput,
  actor: AuditActor,
): Promise<{ parent: SampleRow; children: SampleRow[] }> {
  // Whole millionths only: the sum below is then exact and equals what numeric(20,6) stores.
  for (const child of input.children) checkAmount(child.quantity);
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const parent = await oneSample(tx, key, { lock: true });
    if (parent.deleted_at) throw new ConflictError('sample_deleted', 'This sample was deleted');
    if (isSpent(parent.status)) {
      throw new ConflictError('sample_spent', `A ${parent.status} sample cannot be split`);
    }
    const requested = input.children.reduce((sum, child) => sum + micro(child.quantity), 0);
    if (requested > micro(parent.quantity)) {
      throw new AppError(409, 'insufficient_quantity', 'The children need more than the parent has left', {
        details: { available: parent.quantity, requested: requested / 1e6, unit: parent.unit },
      });
    }
    let next = Math.max(0, ...(await childSuffixes(tx, parent.lab_id, parent.sample_id))) + 1;
    const rows: SampleInsert[] = input.children.map((child) => {
      const sampleId = child.sample_id ?? `${parent.sample_id}.${next++}`;
      refuseReservedSampleId(sampleId);
      if (sampleId.length > 100)
        throw new ValidationError('sample_id_too_long', `${sampleId} is over 100 characters`);
      return {
        lab_id: parent.lab_id,
        sample_id: sampleId,
        sample_type: parent.sample_type,
        status: 'received',
        quantity: child.quantity,
        unit: parent.unit,
        container_id: null,
        project_id: parent.project_id,
        batch_id: parent.batch_id,
        metadata: { derived_from: parent.sample_id },
        created_by: caller.id,
      };
    });
    // Every repeat is listed (an id given three times shows twice), as the split always answered.
    refuseRepeatedSampleIds(laterRepeats(rows, (row) => row.sample_id).map(({ item }) => item.sample_id));
    const { created: children, taken } = await insertSamples(tx, rows).catch(explainWriteError);
    refuseTakenSampleIds(taken);
    const remaining = (micro(parent.quantity) - requested) / 1e6;
    const updated = await updateSample(
      tx,
      parent.id,
      remaining === 0 ? { quantity: 0, status: 'consumed' } : { quantity: remaining },
      caller.id,
    );
    const relation = input.relation ?? 'aliquot';
    await insertLineage(
      tx,
      children.map((child) => ({
        lab_id: parent.lab_id,
        parent_id: parent.id,
        child_id: child.id,
        relation,
        created_by: caller.id,
      })),
    );
    await ctx.audit.appendMany(tx, [
      {
        ...actor,
        action: 'sample.split',
        entity_type: 'sample',
        entity_id: parent.id,
        before: { quantity: parent.quantity, status: parent.status },
        after: {
          quantity: updated.quantity,
          status: updated.status,
          children: children.map((child) => child.sample_id),
        },
        reason: input.reason ?? null,
      },
      ...children.map((child) => ({
        ...actor,
        action: 'sample.create',
        entity_type: 'sample',
        entity_id: child.id,
        before: null,
        after: { ...auditView(child), parent: parent.sample_id, relation },
        reason: input.reason ?? null,
      })),
    ]);
    return { parent: updated, children };
  });
}
