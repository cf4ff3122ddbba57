import type { Executor } from '@ours/platform/db';
import { ConflictError, NotFoundError, ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor } from '../audit/audit-actor.ts';
import { reauthenticate } from '../auth/reauthenticate.ts';
import { isUniqueViolation } from '../shared/db-errors.ts';
import { defaultLabId } from '../sites/lab-scope.ts';
import { addMemberships } from '../sites/sites.repository.ts';
import { hashPassword, isReused, passwordHistoryDepth } from './password-hasher.ts';
import { checkPassword } from './password-policy.ts';
import {
  activeAdminCount,
  grantRoles,
  insertUser,
  lockLoginRecord,
  recentPasswordHashes,
  replacePassword,
  revokeAllRefreshTokens,
  revokeRole,
  roleExists,
  type UserView,
  unlockUser,
  updateUser,
  userView,
} from './users.repository.ts';

/** Refuses a password that breaks the policy, listing every problem at once. */
export function assertPasswordAcceptable(password: string, email: string): void {
  const problems = checkPassword(password, email);
  if (problems.length > 0) {
    throw new ValidationError(
      'weak_password',
      problems.map((problem) => problem.message).join('; '),
      problems,
    );
  }
}

export interface NewUser {
  email: string;
  full_name: string;
  password: string;
  roles: string[];
  /** Labs the account belongs to; the default lab when not given. */
  labs?: string[] | undefined;
}

/** Creates an account with its roles and audits it; a taken e-mail is a 409. */
export async function createUser(
  tx: Executor,
  user: NewUser,
  actor: AuditActor,
  reason: string | null = null,
): Promise<UserView> {
  const email = user.email.trim().toLowerCase();
  assertPasswordAcceptable(user.password, email);
  for (const role of user.roles) {
    if (!(await roleExists(tx, role)))
      throw new ValidationError('unknown_role', `There is no role "${role}"`);
  }
  const passwordHash = await hashPassword(user.password);
  const id = await insertUser(tx, {
    email,
    full_name: user.full_name.trim(),
    password_hash: passwordHash,
  }).catch((error: unknown) => {
    if (isUniqueViolation(error))
      throw new ConflictError('email_taken', `An account for ${email} already exists`);
    throw error;
  });
  const granted = await grantRoles(tx, id, user.roles, actor.actor_id);
  const wantedLabs = user.labs ?? [defaultLabId];
  const labs = await addMemberships(tx, id, wantedLabs, actor.actor_id);
  if (labs.length !== new Set(wantedLabs).size) {
    throw new ValidationError('unknown_lab', 'One of the labs does not exist');
  }
  await appendAudit(tx, {
    ...actor,
    action: 'user.create',
    entity_type: 'user',
    entity_id: id,
    before: null,
    after: { email, full_name: user.full_name.trim(), active: true, roles: granted, labs },
    reason,
  });
  return (await userView(tx, id)) as UserView;
}

/** Sets a new password after the policy and the last-five check; ends every session. */
async function setPassword(tx: Executor, ctx: LabContext, userId: string, email: string, password: string) {
  assertPasswordAcceptable(password, email);
  const recent = await recentPasswordHashes(tx, userId, passwordHistoryDepth);
  if (await isReused(password, recent)) {
    throw new ValidationError(
      'password_reused',
      `Choose a password you have not used for your last ${passwordHistoryDepth} passwords`,
    );
  }
  await replacePassword(tx, userId, await hashPassword(password), passwordHistoryDepth, ctx.now());
}

/** The user changes their own password, proving the current one (and MFA code when enabled). */
export async function changeOwnPassword(
  ctx: LabContext,
  userId: string,
  input: { current_password: string; new_password: string; code?: string | undefined },
  actor: AuditActor,
): Promise<void> {
  const record = await reauthenticate(
    ctx,
    userId,
    { password: input.current_password, code: input.code },
    actor,
    'user.password_change_failed',
  );
  await ctx.db.transaction(async (tx) => {
    await setPassword(tx, ctx, userId, record.email, input.new_password);
    await appendAudit(tx, {
      ...actor,
      action: 'user.password_change',
      entity_type: 'user',
      entity_id: userId,
      before: null,
      after: null,
      reason: null,
    });
  });
}

async function existingUser(tx: Executor, userId: string) {
  const record = await lockLoginRecord(tx, userId);
  if (!record) throw new NotFoundError('user_not_found', 'There is no such user');
  return record;
}

/** An administrator sets a new password for someone (e.g. a forgotten one); it also unlocks them. */
export async function resetPassword(
  ctx: LabContext,
  userId: string,
  input: { password: string; reason: string },
  actor: AuditActor,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const record = await existingUser(tx, userId);
    await setPassword(tx, ctx, userId, record.email, input.password);
    await appendAudit(tx, {
      ...actor,
      action: 'user.password_reset',
      entity_type: 'user',
      entity_id: userId,
      before: null,
      after: null,
      reason: input.reason,
    });
  });
}

/** Renames or (de)activates an account; deactivation ends its sessions. The last admin stays active. */
export async function updateAccount(
  ctx: LabContext,
  userId: string,
  input: { full_name?: string | undefined; active?: boolean | undefined; reason: string },
  actor: AuditActor,
): Promise<UserView> {
  return ctx.db.transaction(async (tx) => {
    await existingUser(tx, userId);
    const before = (await userView(tx, userId)) as UserView;
    const changes = {
      full_name: input.full_name?.trim(),
      active: input.active,
    };
    if (changes.active === false && before.active && before.roles.includes('admin')) {
      if ((await activeAdminCount(tx)) <= 1) {
        throw new ConflictError('last_admin', 'The last active administrator cannot be deactivated');
      }
    }
    await updateUser(tx, userId, changes, ctx.now());
    if (changes.active === false) await revokeAllRefreshTokens(tx, userId, ctx.now());
    const after = (await userView(tx, userId)) as UserView;
    const diff = changedFields(before, after, ['full_name', 'active']);
    if (diff) {
      await appendAudit(tx, {
        ...actor,
        action: changes.active === false && before.active ? 'user.deactivate' : 'user.update',
        entity_type: 'user',
        entity_id: userId,
        ...diff,
        reason: input.reason,
      });
    }
    return after;
  });
}

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
    if (granted.length > 0) {
      await appendAudit(tx, {
        ...actor,
        action: 'user.role_grant',
        entity_type: 'user',
        entity_id: userId,
        before: null,
        after: { role },
        reason: reason ?? null,
      });
    }
    return (await userView(tx, userId)) as UserView;
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
      const view = await userView(tx, userId);
      if (view?.roles.includes('admin')) {
        throw new ConflictError('last_admin', 'The last active administrator cannot lose the admin role');
      }
    }
    if (!(await revokeRole(tx, userId, role))) {
      throw new NotFoundError('role_not_held', `This user does not hold the role "${role}"`);
    }
    await appendAudit(tx, {
      ...actor,
      action: 'user.role_revoke',
      entity_type: 'user',
      entity_id: userId,
      before: { role },
      after: null,
      reason,
    });
    return (await userView(tx, userId)) as UserView;
  });
}

export async function unlockAccount(ctx: LabContext, userId: string, reason: string, actor: AuditActor) {
  return ctx.db.transaction(async (tx) => {
    const record = await existingUser(tx, userId);
    await unlockUser(tx, userId);
    await appendAudit(tx, {
      ...actor,
      action: 'user.unlock',
      entity_type: 'user',
      entity_id: userId,
      before: { failed_attempts: record.failed_attempts, locked_until: record.locked_until },
      after: { failed_attempts: 0, locked_until: null },
      reason,
    });
    return (await userView(tx, userId)) as UserView;
  });
}
