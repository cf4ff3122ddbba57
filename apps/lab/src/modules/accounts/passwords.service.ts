import { ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { AuditActor } from '../audit/index.ts';
import { reauthenticate } from '../auth/index.ts';
import { existingUser } from './accounts.service.ts';
import { hashPassword, isReused, passwordHistoryDepth } from './password-hasher.ts';
import { assertPasswordAcceptable } from './password-policy.ts';
import { recentPasswordHashes, replacePassword } from './passwords.repository.ts';
import { endSessions } from './users.repository.ts';

/** Sets a new password after the policy and the last-five check; ends every session. */
async function setPassword(
  tx: LabExecutor,
  ctx: LabContext,
  userId: string,
  email: string,
  password: string,
) {
  assertPasswordAcceptable(password, email);
  const recent = await recentPasswordHashes(tx, userId, passwordHistoryDepth);
  if (await isReused(password, recent)) {
    throw new ValidationError(
      'password_reused',
      `Choose a password you have not used for your last ${passwordHistoryDepth} passwords`,
    );
  }
  await replacePassword(tx, userId, await hashPassword(password), passwordHistoryDepth, ctx.now());
  await endSessions(tx, userId, ctx.now());
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
    await ctx.audit.append(tx, {
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
    await ctx.audit.append(tx, {
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
