import { ConflictError, NotFoundError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { AuditActor } from '../audit/index.ts';
import { existingUser } from './accounts.service.ts';
import { activeAdminCount, grantRoles, revokeRole, roleExists } from './roles.repository.ts';
import { existingUserView, type UserView } from './users.repository.ts';

export async function assignRole(
  ctx: LabContext,
  userId: string,
  role: string,
  reason: string | undefined,
  actor: AuditActor,
): Promise<UserView> {
  return ctx.db.transaction(async (tx) => {
    await existingUser(tx, userId);
    if (!(await roleExists(tx, role)))
      throw new NotFoundError('role_not_found', `There is no role "${role}"`);
    const granted = await grantRoles(tx, userId, [role], actor.actor_id);
    const view = await existingUserView(tx, userId);
    if (granted.length > 0) {
      await ctx.audit.append(tx, {
        ...actor,
        action: 'user.role_grant',
        entity_type: 'user',
        entity_id: userId,
        before: null,
        after: { role },
        reason: reason ?? null,
      });
    }
    return view;
  });
}

export async function removeRole(
  ctx: LabContext,
  userId: string,
  role: string,
  reason: string,
  actor: AuditActor,
): Promise<UserView> {
  return ctx.db.transaction(async (tx) => {
    const record = await existingUser(tx, userId);
    if (role === 'admin' && record.active && (await activeAdminCount(tx)) <= 1) {
      const current = await existingUserView(tx, userId);
      if (current.roles.includes('admin')) {
        throw new ConflictError('last_admin', 'The last active administrator cannot lose the admin role');
      }
    }
    if (!(await revokeRole(tx, userId, role))) {
      throw new NotFoundError('role_not_held', `This user does not hold the role "${role}"`);
    }
    const view = await existingUserView(tx, userId);
    await ctx.audit.append(tx, {
      ...actor,
      action: 'user.role_revoke',
      entity_type: 'user',
      entity_id: userId,
      before: { role },
      after: null,
      reason,
    });
    return view;
  });
}
