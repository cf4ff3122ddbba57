import { ConflictError, NotFoundError, ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { AuditActor } from '../audit/index.ts';
import { changedFields } from '../shared/changed-fields.ts';
import { isUniqueViolation } from '../shared/db-errors.ts';
import { signaturesOf } from '../signatures/index.ts';
import { addMemberships, defaultLabId } from '../sites/index.ts';
import { hashPassword } from './password-hasher.ts';
import { assertPasswordAcceptable } from './password-policy.ts';
import { activeAdminCount, grantRoles, listRoles, roleExists } from './roles.repository.ts';
import {
  clearFailures,
  endSessions,
  existingUserView,
  insertUser,
  listUsers,
  lockLoginRecord,
  type UserView,
  updateUser,
  userView,
} from './users.repository.ts';

export interface NewUser {
  email: string;
  full_name: string;
  password: string;
  roles: string[];
  /** Labs the account belongs to; the default lab when not given. */
  labs?: string[] | undefined;
}

/**
 * Creates an account with its roles and labs inside the caller's transaction, audited as the last
 * step (callers add no statements after it); a taken e-mail is a 409.
 */
export async function createUser(
  ctx: Pick<LabContext, 'audit'>,
  tx: LabExecutor,
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
  const view = await existingUserView(tx, id);
  await ctx.audit.append(tx, {
    ...actor,
    action: 'user.create',
    entity_type: 'user',
    entity_id: id,
    before: null,
    after: { email, full_name: user.full_name.trim(), active: true, roles: granted, labs },
    reason,
  });
  return view;
}

/** An administrator creates an account (`POST /api/admin/users`). */
export function createAccount(ctx: LabContext, user: NewUser, actor: AuditActor): Promise<UserView> {
  return ctx.db.transaction((tx) => createUser(ctx, tx, user, actor));
}

/** The user's login record, row-locked; 404 when there is no such user. */
export async function existingUser(tx: LabExecutor, userId: string) {
  const record = await lockLoginRecord(tx, userId);
  if (!record) throw new NotFoundError('user_not_found', 'There is no such user');
  return record;
}

/**
 * Renames or (de)activates an account; deactivating an active account ends its sessions. The last
 * admin stays active.
 */
export async function updateAccount(
  ctx: LabContext,
  userId: string,
  input: { full_name?: string | undefined; active?: boolean | undefined; reason: string },
  actor: AuditActor,
): Promise<UserView> {
  return ctx.db.transaction(async (tx) => {
    await existingUser(tx, userId);
    const before = await existingUserView(tx, userId);
    const changes = {
      full_name: input.full_name?.trim(),
      active: input.active,
    };
    const deactivates = changes.active === false && before.active;
    if (deactivates && before.roles.includes('admin')) {
      if ((await activeAdminCount(tx)) <= 1) {
        throw new ConflictError('last_admin', 'The last active administrator cannot be deactivated');
      }
    }
    await updateUser(tx, userId, changes, ctx.now());
    // An inactive account has no session left to end (its tokens stopped working when it was
    // deactivated), so only the change from active ends them.
    if (deactivates) await endSessions(tx, userId, ctx.now());
    const after = await existingUserView(tx, userId);
    const diff = changedFields(before, after, ['full_name', 'active']);
    if (diff) {
      await ctx.audit.append(tx, {
        ...actor,
        action: deactivates ? 'user.deactivate' : 'user.update',
        entity_type: 'user',
        entity_id: userId,
        ...diff,
        reason: input.reason,
      });
    }
    return after;
  });
}

export async function unlockAccount(ctx: LabContext, userId: string, reason: string, actor: AuditActor) {
  return ctx.db.transaction(async (tx) => {
    const record = await existingUser(tx, userId);
    await clearFailures(tx, userId);
    const view = await existingUserView(tx, userId);
    await ctx.audit.append(tx, {
      ...actor,
      action: 'user.unlock',
      entity_type: 'user',
      entity_id: userId,
      before: { failed_attempts: record.failed_attempts, locked_until: record.locked_until },
      after: { failed_attempts: 0, locked_until: null },
      reason,
    });
    return view;
  });
}

/** Every account, by e-mail. */
export function listAccounts(ctx: LabContext): Promise<UserView[]> {
  return listUsers(ctx.db.kysely);
}

/** One account with the signatures made on it (e.g. access reviews); 404 when there is none. */
export async function accountWithSignatures(ctx: LabContext, userId: string) {
  const user = await userView(ctx.db.kysely, userId);
  if (!user) throw new NotFoundError('user_not_found', 'There is no such user');
  return { ...user, signatures: await signaturesOf(ctx.db.kysely, 'user', user.id) };
}

/** The roles that exist, with their permissions. */
export function listAccountRoles(ctx: LabContext) {
  return listRoles(ctx.db.kysely);
}
