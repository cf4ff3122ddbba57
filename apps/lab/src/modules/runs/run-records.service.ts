import type { LabExecutor } from '../../db/lab-database.ts';
import { isUuid } from '../shared/uuid.ts';
import { runById } from './runs.repository.ts';

/**
 * A run as an electronic signature binds it: which workflow version, with which configuration
 * snapshot, by whom. Its state is left out, so the run going on after the signature does not void it;
 * the signature's reason names the approval step.
 */
export async function signableRun(tx: LabExecutor, key: string) {
  const run = isUuid(key) ? await runById(tx, key) : undefined;
  if (!run) return undefined;
  const { id, lab_id, workflow_version_id, config_snapshot_id, operator_id } = run;
  return { id, content: { id, lab_id, workflow_version_id, config_snapshot_id, operator_id } };
}
