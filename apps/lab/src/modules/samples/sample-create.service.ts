import { ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { checkFreeJson } from '../shared/free-json.ts';
import { checkAmount } from '../shared/quantities.ts';
import { laterRepeats } from '../shared/repeated-keys.ts';
import { inLabs, targetLab } from '../sites/index.ts';
import { insertLineage } from './sample-lineage.repository.ts';
import {
  auditView,
  explainWriteError,
  refuseRepeatedSampleIds,
  refuseReservedSampleId,
  refuseTakenSampleIds,
} from './sample-writes.ts';
import {
  insertSamples,
  type SampleInsert,
  type SampleRow,
  samplesByBusinessIds,
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

/** Creates one sample (see `createSamples`). */
export async function createSample(
  ctx: LabContext,
  caller: Principal,
  input: NewSampleInput,
  actor: AuditActor,
): Promise<SampleRow> {
  const [sample] = await createSamples(ctx, caller, [input], actor);
  if (!sample) throw new Error('the sample was not created');
  return sample;
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
  const repeats = laterRepeats(rows, (row) => `${row.lab_id}/${row.sample_id}`);
  refuseRepeatedSampleIds([...new Set(repeats.map(({ item }) => item.sample_id))]);
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    // Parents are looked up before anything is inserted, so a parent is always a live sample that
    // existed before this request: never one of the new samples (no cycles), never a deleted one.
    const parentsOf: SampleRow[][] = [];
    for (const [index, row] of rows.entries()) {
      const wanted = inputs[index]?.parents;
      if (!wanted) {
        parentsOf.push([]);
        continue;
      }
      const parents = await samplesByBusinessIds(tx, row.lab_id, wanted);
      const missing = wanted.filter((id) => !parents.some((parent) => parent.sample_id === id));
      if (missing.length > 0) {
        throw new ValidationError(
          'unknown_parent',
          `No such parent sample in that lab: ${missing.join(', ')}`,
        );
      }
      parentsOf.push(parents);
    }
    const { created, taken } = await insertSamples(tx, rows).catch(explainWriteError);
    refuseTakenSampleIds(taken);
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
    await ctx.audit.appendMany(
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
