import { ConflictError, ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/principal.repository.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor } from '../audit/audit-actor.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../shared/db-errors.ts';
import { inLabs, targetLab } from '../sites/lab-scope.ts';
import { insertOrganiser, type OrganiserKind } from './organisers.repository.ts';

const singular: Record<OrganiserKind, string> = {
  projects: 'project',
  batches: 'batch',
  containers: 'container',
};

/** Creates a project, batch or container in one of the caller's labs, audited. */
export function createOrganiser(
  ctx: LabContext,
  caller: Principal,
  kind: OrganiserKind,
  input: { lab_id?: string | undefined; code: string } & Record<string, string | number | null | undefined>,
  actor: AuditActor,
): Promise<Record<string, unknown>> {
  const { lab_id: requestedLab, ...fields } = input;
  const labId = targetLab(caller.lab_ids, requestedLab);
  const values = Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as Record<string, string | number | null>;
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const row = await insertOrganiser(tx, kind, { ...values, lab_id: labId, created_by: caller.id }).catch(
      (error: unknown) => {
        if (isUniqueViolation(error)) {
          throw new ConflictError(
            `${singular[kind]}_exists`,
            `A ${singular[kind]} ${input.code} exists in that lab`,
          );
        }
        if (isForeignKeyViolation(error)) {
          throw new ValidationError('unknown_reference', 'The project does not exist in that lab');
        }
        throw error;
      },
    );
    await appendAudit(tx, {
      ...actor,
      action: `${singular[kind]}.create`,
      entity_type: singular[kind],
      entity_id: String(row.id),
      before: null,
      after: { ...values, lab_id: labId },
      reason: null,
    });
    return row;
  });
}
