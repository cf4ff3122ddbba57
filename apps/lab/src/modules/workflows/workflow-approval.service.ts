import { ConflictError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { reauthenticateSigner, signInTransaction } from '../signatures/index.ts';
import { inLabs, readInLabs } from '../sites/index.ts';
import { updateVersion, type VersionRow } from './workflows.repository.ts';
import { type VersionView, versionNamed, versionView } from './workflows.service.ts';

export interface ApprovalInput {
  password: string;
  totp?: string | undefined;
  reason: string;
  lab_id?: string | undefined;
}

/** Why this caller may not approve this version now, or nothing. */
function refusal(version: VersionRow, caller: Principal): ConflictError | undefined {
  if (version.status !== 'submitted') {
    return new ConflictError(
      'version_not_submitted',
      `Version ${version.version} is ${version.status}: only a submitted version is approved`,
    );
  }
  if (version.author_id === caller.id) {
    return new ConflictError(
      'self_approval',
      'The author of a version cannot approve it: another person must sign',
    );
  }
  return undefined;
}

/**
 * Approves a submitted version by electronic signature (meaning `approved`; 21 CFR Part 11 §11.50):
 * the signer, who is not its author, proves who they are again; the signature over the definition's
 * hash, the approval and their audit entries commit together, and the version is locked for good
 * (the database refuses any later change but its retirement).
 */
export async function approveVersion(
  ctx: LabContext,
  caller: Principal,
  target: { name: string; version: number },
  input: ApprovalInput,
  actor: AuditActor,
): Promise<VersionView> {
  // Refuse what can never succeed before asking for a password (a failed proof counts towards lockout).
  const seen = await versionNamed(readInLabs(ctx.db, caller.lab_ids), target.name, target.version, {
    labId: input.lab_id,
  });
  const early = refusal(seen.version, caller);
  if (early) throw early;
  await reauthenticateSigner(ctx, caller, input, actor);
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const { workflow, version } = await versionNamed(tx, target.name, target.version, {
      labId: input.lab_id,
      lock: true,
    });
    const refused = refusal(version, caller);
    if (refused) throw refused;
    const signature = await signInTransaction(
      ctx,
      tx,
      caller,
      { record_type: 'workflow_version', record_id: version.id, meaning: 'approved', reason: input.reason },
      actor,
    );
    const approved = await updateVersion(tx, version.id, {
      status: 'approved',
      approved_at: signature.signed_at,
      approved_by: caller.id,
      approval_signature_id: signature.id,
    });
    const { definition: _before, ...before } = version;
    const { definition: _after, ...after } = approved;
    await ctx.audit.append(tx, {
      ...actor,
      action: 'workflow_version.approve',
      entity_type: 'workflow_version',
      entity_id: version.id,
      before,
      after,
      reason: input.reason,
    });
    return versionView(workflow, approved);
  });
}
