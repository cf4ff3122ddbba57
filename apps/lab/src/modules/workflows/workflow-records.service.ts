import type { LabExecutor } from '../../db/lab-database.ts';
import { isUuid } from '../shared/uuid.ts';
import { versionById } from './workflows.repository.ts';

/**
 * A workflow version as an electronic signature binds it: which definition (by its hash) of which
 * workflow. The state (approved, retired) is not part of it: retiring a version must not void the
 * signature that approved it, while any change of the definition would.
 */
export async function signableVersion(tx: LabExecutor, key: string) {
  const version = isUuid(key) ? await versionById(tx, key) : undefined;
  if (!version) return undefined;
  const { id, lab_id, workflow_id, version: number, definition_hash } = version;
  return { id, content: { id, lab_id, workflow_id, version: number, definition_hash } };
}
