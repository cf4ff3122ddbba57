import { ConflictError, NotFoundError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import { existingUserView, lockLoginRecord, type UserView } from '../accounts/index.ts';
import type { AuditActor, AuditInput } from '../audit/index.ts';
import { isUniqueViolation } from '../shared/db-errors.ts';
import { defaultOrganizationId } from './lab-scope.ts';
import {
  addMemberships,
  allLabs,
  insertLab,
  type LabView,
  labById,
  labsByIds,
  organizationExists,
  removeMembership,
} from './sites.repository.ts';

/** The labs the caller belongs to. */
export function labsOf(ctx: LabContext, caller: Principal): Promise<LabView[]> {
  return labsByIds(ctx.db.kysely, caller.lab_ids);
}

/** Every lab (site administration). */
export function everyLab(ctx: LabContext): Promise<LabView[]> {
  return allLabs(ctx.db.kysely);
}

/** A new lab (site) in an organization; its creator becomes a member (audited on their account too). */
export async function createLab(
  ctx: LabContext,
  input: { code: string; name: string; organization_id?: string | undefined },
  actor: AuditActor,
): Promise<LabView> {
  return ctx.db.transaction(async (tx) => {
    const organizationId = input.organization_id ?? defaultOrganizationId;
    if (!(await organizationExists(tx, organizationId))) {
      throw new NotFoundError('organization_not_found', 'There is no such organization');
    }
    const id = await insertLab(tx, { ...input, organization_id: organizationId }).catch((error: unknown) => {
      if (isUniqueViolation(error))
        throw new ConflictError('lab_code_taken', `A lab with code ${input.code} exists`);
      throw error;
    });
    const entries: AuditInput[] = [
      {
        ...actor,
        action: 'lab.create',
        entity_type: 'lab',
        entity_id: id,
        before: null,
        after: { code: input.code, name: input.name, organization_id: organizationId },
        reason: null,
      },
    ];
    if (actor.actor_id) {
      await addMemberships(tx, actor.actor_id, [id], actor.actor_id);
      entries.push({
        ...actor,
        action: 'user.lab_add',
        entity_type: 'user',
        entity_id: actor.actor_id,
        before: null,
        after: { lab_id: id },
        reason: 'created the lab',
      });
    }
    const lab = await labById(tx, id);
    if (!lab) throw new Error(`lab ${id} vanished inside its own transaction`);
    await ctx.audit.appendMany(tx, entries);
    return lab;
  });
}

/** Adds or removes a user's membership of a lab (what they can see and change), audited. */
export async function changeMembership(
  ctx: LabContext,
  change: { user_id: string; lab_id: string; member: boolean; reason: string | null },
  actor: AuditActor,
): Promise<UserView> {
  return ctx.db.transaction(async (tx) => {
    if (!(await lockLoginRecord(tx, change.user_id)))
      throw new NotFoundError('user_not_found', 'There is no such user');
    if (!(await labById(tx, change.lab_id))) throw new NotFoundError('lab_not_found', 'There is no such lab');
    const changed = change.member
      ? (await addMemberships(tx, change.user_id, [change.lab_id], actor.actor_id)).length > 0
      : await removeMembership(tx, change.user_id, change.lab_id);
    if (!changed && !change.member) {
      throw new NotFoundError('not_a_member', 'This user is not a member of that lab');
    }
    const view = await existingUserView(tx, change.user_id);
    if (changed) {
      await ctx.audit.append(tx, {
        ...actor,
        action: change.member ? 'user.lab_add' : 'user.lab_remove',
        entity_type: 'user',
        entity_id: change.user_id,
        before: change.member ? null : { lab_id: change.lab_id },
        after: change.member ? { lab_id: change.lab_id } : null,
        reason: change.reason,
      });
    }
    return view;
  });
}
