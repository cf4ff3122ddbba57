import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { batches, containers, projects } from '../samples/organisers.service.ts';
import { createSamples, type NewSampleInput } from '../samples/sample-create.service.ts';
import { splitSample } from '../samples/sample-split.service.ts';
import { random } from './demo-random.ts';
import type { DemoCounts } from './demo-summary.ts';

export const demoProject = 'DEMO-COHORT';
const sampleTypes = ['plasma', 'serum', 'whole blood', 'urine', 'saliva', 'tissue'];

/**
 * Samples for the demo: a project with three batches and four freezer boxes, 300 samples (about 70%
 * in storage, the rest just received), a third of them split into three aliquots each, and some
 * first aliquots split again into a derivative (three-level lineage; `aliquots` counts both).
 */
export async function seedSamples(
  ctx: LabContext,
  operator: Principal,
  actor: AuditActor,
): Promise<{ summary: DemoCounts; sampleIds: string[] }> {
  const next = random(42);
  const project = await projects.create(
    ctx,
    operator,
    { code: demoProject, name: 'Demo cohort study' },
    actor,
  );
  const batchIds: string[] = [];
  for (const code of ['DEMO-B1', 'DEMO-B2', 'DEMO-B3']) {
    batchIds.push((await batches.create(ctx, operator, { code, project_id: project.id }, actor)).id);
  }
  const boxIds: string[] = [];
  for (let box = 1; box <= 4; box += 1) {
    const { id } = await containers.create(
      ctx,
      operator,
      {
        code: `DEMO-BOX-${box}`,
        container_type: 'box',
        location: `Freezer A / shelf ${box}`,
        capacity: 81,
      },
      actor,
    );
    boxIds.push(id);
  }
  const inputs: NewSampleInput[] = Array.from({ length: 300 }, (_, index) => ({
    sample_id: `DEMO-${String(index + 1).padStart(4, '0')}`,
    sample_type: sampleTypes[Math.floor(next() * sampleTypes.length)] ?? 'plasma',
    quantity: Math.round((1 + next() * 9) * 10) / 10,
    unit: 'mL',
    status: next() < 0.7 ? 'in_storage' : 'received',
    project_id: project.id,
    batch_id: batchIds[index % batchIds.length],
    container_id: boxIds[index % boxIds.length],
    metadata: { donor: `D${1000 + Math.floor(index / 3)}`, collected_by: 'demo' },
  }));
  const sampleIds: string[] = [];
  for (let start = 0; start < inputs.length; start += 100) {
    const created = await createSamples(ctx, operator, inputs.slice(start, start + 100), actor);
    sampleIds.push(...created.map((sample) => sample.id));
  }
  let aliquots = 0;
  for (const input of inputs.filter((_, index) => index % 3 === 0)) {
    const share = Math.floor((input.quantity / 4) * 1000) / 1000;
    const { children } = await splitSample(
      ctx,
      operator,
      input.sample_id,
      { children: [{ quantity: share }, { quantity: share }, { quantity: share }], reason: 'demo aliquots' },
      actor,
    );
    aliquots += children.length;
    const [first] = children;
    if (first && next() < 0.3) {
      const half = Math.floor((first.quantity / 2) * 1000) / 1000;
      const grandchildren = await splitSample(
        ctx,
        operator,
        first.id,
        { children: [{ quantity: half }], relation: 'derivative', reason: 'demo derivative' },
        actor,
      );
      aliquots += grandchildren.children.length;
    }
  }
  return {
    summary: {
      projects: 1,
      batches: batchIds.length,
      containers: boxIds.length,
      samples: inputs.length,
      aliquots,
    },
    sampleIds,
  };
}
