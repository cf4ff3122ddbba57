import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConflictError, UnauthorizedError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { AuditActor } from '../audit/index.ts';
import { createUser, type NewUser } from './accounts.service.ts';
import { grantRoles } from './roles.repository.ts';
import { deleteSetupTokens, lockSetupToken, storeSetupToken } from './setup-tokens.repository.ts';
import { existingUserView, loginRecordByEmail, type UserView, userCount } from './users.repository.ts';

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * On an empty database, makes a fresh one-time setup token (only its hash is stored) for the
 * operator to create the first admin with; once anyone exists, any leftover token is removed.
 */
export async function prepareSetupToken(ctx: LabContext): Promise<string | undefined> {
  return ctx.db.transaction(async (tx) => {
    if ((await userCount(tx)) > 0) {
      await deleteSetupTokens(tx);
      return undefined;
    }
    const token = randomBytes(24).toString('base64url');
    await storeSetupToken(tx, hashToken(token));
    return token;
  });
}

/** Whether the lab is on its first run: no account yet, so the setup token is what signs in. */
export async function setupRequired(ctx: LabContext): Promise<boolean> {
  return (await userCount(ctx.db.kysely)) === 0;
}

/** `POST /auth/setup`: the setup token creates the first admin, once. */
export async function completeSetup(
  ctx: LabContext,
  input: Omit<NewUser, 'roles'> & { setup_token: string },
  actor: AuditActor,
): Promise<UserView> {
  return ctx.db.transaction(async (tx) => {
    const storedHash = await lockSetupToken(tx);
    if ((await userCount(tx)) > 0) throw new ConflictError('setup_complete', 'This lab already has accounts');
    const presented = Buffer.from(hashToken(input.setup_token), 'hex');
    if (!storedHash || !timingSafeEqual(presented, Buffer.from(storedHash, 'hex'))) {
      throw new UnauthorizedError(
        'invalid_setup_token',
        'The setup token is not valid (see the lab start-up output)',
      );
    }
    await deleteSetupTokens(tx);
    return createUser(ctx, tx, { ...input, roles: ['admin'] }, actor, 'first-run setup');
  });
}

/**
 * `create-admin` from the command line: creates the admin, or makes an existing account an admin.
 * Running it twice changes nothing the second time.
 */
export async function ensureAdmin(
  ctx: LabContext,
  input: Omit<NewUser, 'roles'>,
  actor: AuditActor,
): Promise<{ created: boolean; user: UserView }> {
  return ctx.db.transaction(async (tx) => {
    const existing = await loginRecordByEmail(tx, input.email);
    if (!existing) {
      await deleteSetupTokens(tx);
      const user = await createUser(
        ctx,
        tx,
        { ...input, roles: ['admin'] },
        actor,
        'created with create-admin',
      );
      return { created: true, user };
    }
    const granted = await grantRoles(tx, existing.id, ['admin'], null);
    const user = await existingUserView(tx, existing.id);
    if (granted.length > 0) {
      await ctx.audit.append(tx, {
        ...actor,
        action: 'user.role_grant',
        entity_type: 'user',
        entity_id: existing.id,
        before: null,
        after: { role: 'admin' },
        reason: 'granted with create-admin',
      });
    }
    return { created: false, user };
  });
}
