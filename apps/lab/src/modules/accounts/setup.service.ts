import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { queryRows } from '@ours/platform/db';
import { ConflictError, UnauthorizedError } from '@ours/platform/errors';
import { sql } from 'drizzle-orm';
import type { LabContext } from '../../context.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor } from '../audit/audit-actor.ts';
import { createUser, type NewUser } from './accounts.service.ts';
import { grantRoles, loginRecordByEmail, type UserView, userCount, userView } from './users.repository.ts';

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * On an empty database, makes a fresh one-time setup token (only its hash is stored) for the
 * operator to create the first admin with; once anyone exists, any leftover token is removed.
 */
export async function prepareSetupToken(ctx: LabContext): Promise<string | undefined> {
  return ctx.db.transaction(async (tx) => {
    if ((await userCount(tx)) > 0) {
      await tx.execute(sql`delete from setup_tokens`);
      return undefined;
    }
    const token = randomBytes(24).toString('base64url');
    await tx.execute(sql`insert into setup_tokens (id, token_hash) values (true, ${hashToken(token)})
      on conflict (id) do update set token_hash = excluded.token_hash, created_at = now()`);
    return token;
  });
}

/** `POST /auth/setup`: the setup token creates the first admin, once. */
export async function completeSetup(
  ctx: LabContext,
  input: Omit<NewUser, 'roles'> & { setup_token: string },
  actor: AuditActor,
): Promise<UserView> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await queryRows<{ token_hash: string }>(
      tx,
      sql`select token_hash from setup_tokens where id for update`,
    );
    if ((await userCount(tx)) > 0) throw new ConflictError('setup_complete', 'This lab already has accounts');
    const presented = Buffer.from(hashToken(input.setup_token), 'hex');
    if (!row || !timingSafeEqual(presented, Buffer.from(row.token_hash, 'hex'))) {
      throw new UnauthorizedError(
        'invalid_setup_token',
        'The setup token is not valid (see the lab start-up output)',
      );
    }
    await tx.execute(sql`delete from setup_tokens`);
    return createUser(tx, { ...input, roles: ['admin'] }, actor, 'first-run setup');
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
      await tx.execute(sql`delete from setup_tokens`);
      const user = await createUser(tx, { ...input, roles: ['admin'] }, actor, 'created with create-admin');
      return { created: true, user };
    }
    const granted = await grantRoles(tx, existing.id, ['admin'], null);
    if (granted.length > 0) {
      await appendAudit(tx, {
        ...actor,
        action: 'user.role_grant',
        entity_type: 'user',
        entity_id: existing.id,
        before: null,
        after: { role: 'admin' },
        reason: 'granted with create-admin',
      });
    }
    return { created: false, user: (await userView(tx, existing.id)) as UserView };
  });
}
