import type { LabContext } from '../../context.ts';
import { allLabIds, inLabs } from '../sites/index.ts';
import { systemActor } from './run-transitions.ts';
import { linkLegacySampleRuns } from './runs.repository.ts';

/**
 * At start: a sample's `workflow_execution_id` from before runs existed (now
 * `legacy_workflow_execution_id`, read-only) that names a real run of its lab becomes an assignment,
 * audited on the run and the sample. Idempotent, and safe when instances start together (each link
 * is made once). Answers how many links were made.
 */
export async function linkLegacySampleAssignments(ctx: LabContext): Promise<number> {
  const labIds = await allLabIds(ctx.db.kysely);
  return inLabs(ctx.db, labIds, async (tx) => {
    const links = await linkLegacySampleRuns(tx);
    const reason = 'migrated from samples.workflow_execution_id (issue 10)';
    await ctx.audit.appendMany(
      tx,
      links.flatMap((link) => [
        {
          ...systemActor,
          action: 'run.sample_assign',
          entity_type: 'run',
          entity_id: link.run_id,
          before: null,
          after: link,
          reason,
        },
        {
          ...systemActor,
          action: 'sample.assign_workflow',
          entity_type: 'sample',
          entity_id: link.sample_id,
          before: null,
          after: link,
          reason,
        },
      ]),
    );
    return links.length;
  });
}
