import { ConflictError, NotFoundError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { isSpent } from '../samples/index.ts';
import { oneSample } from '../samples/samples.service.ts';
import { isUniqueViolation } from '../shared/db-errors.ts';
import { isUuid } from '../shared/uuid.ts';
import { inLabs } from '../sites/index.ts';
import { finalStatuses } from './run-transitions.ts';
import { assignSamples, runById, runsOfSample } from './runs.repository.ts';

/**
 * Links a sample to a run of its lab that has not ended (`POST /api/samples/:id/assign-workflow`),
 * audited on both records; answers the sample's runs. A run that ended is not given samples after the
 * fact (409 run_finished); a link exists once (409 sample_already_assigned).
 */
export function assignSampleToRun(
  ctx: LabContext,
  caller: Principal,
  sampleKey: string,
  input: { workflow_execution_id: string; reason?: string | undefined },
  actor: AuditActor,
) {
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const sample = await oneSample(tx, sampleKey, { lock: true });
    if (sample.deleted_at) throw new ConflictError('sample_deleted', 'This sample was deleted');
    if (isSpent(sample.status))
      throw new ConflictError('sample_spent', `A ${sample.status} sample cannot be assigned`);
    const runId = input.workflow_execution_id;
    const run = isUuid(runId) ? await runById(tx, runId, { lock: true }) : undefined;
    if (!run || run.lab_id !== sample.lab_id)
      throw new NotFoundError('run_not_found', `There is no run ${runId} in the sample's lab`);
    if (finalStatuses.has(run.status))
      throw new ConflictError('run_finished', `The run is ${run.status}: samples are linked before it ends`);
    await assignSamples(tx, run.id, run.lab_id, [sample.id]).catch((error: unknown) => {
      if (isUniqueViolation(error))
        throw new ConflictError(
          'sample_already_assigned',
          `Sample ${sample.sample_id} is already in this run`,
        );
      throw error;
    });
    const link = { run_id: run.id, sample_id: sample.id };
    const reason = input.reason ?? null;
    await ctx.audit.appendMany(tx, [
      {
        ...actor,
        action: 'run.sample_assign',
        entity_type: 'run',
        entity_id: run.id,
        before: null,
        after: link,
        reason,
      },
      {
        ...actor,
        action: 'sample.assign_workflow',
        entity_type: 'sample',
        entity_id: sample.id,
        before: null,
        after: link,
        reason,
      },
    ]);
    return { sample_id: sample.sample_id, id: sample.id, runs: await runsOfSample(tx, sample.id) };
  });
}
