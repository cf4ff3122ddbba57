import type { VerifiedUser } from '@ours/platform/auth';
import { asRole, asUser } from '@ours/platform/db';
import { NotFoundError } from '@ours/platform/errors';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { assertExpoPushToken } from './push-token-format.ts';
import {
  deleteOwnToken,
  deleteTokens,
  evictBeyondCap,
  insertToken,
  listOwnTokens,
  lockToken,
  renewToken,
} from './push-tokens.repository.ts';
import type { PushToken, PushTokenBody } from './push-tokens.schema.ts';

/**
 * Registers a device's token for the user: `created` false when they had it already (renewed). A
 * token another user registered moves to this one, since a device has one owner: the old row is
 * deleted (its queued messages then fail instead of reaching the new owner) and a new one written.
 * That needs the service role, as the user can neither see nor change another user's row; nothing
 * of that row is returned. Beyond the cap the least recently registered tokens are evicted.
 */
export function registerPushToken(
  ctx: AppContext,
  user: VerifiedUser,
  body: PushTokenBody,
): Promise<{ token: PushToken; created: boolean }> {
  assertExpoPushToken(body.token);
  return asRole(ctx.db, serviceRole, async (tx) => {
    const existing = await lockToken(tx, body.token);
    let result: { token: PushToken; created: boolean };
    if (existing?.user_id === user.id) {
      result = { token: await renewToken(tx, existing.id, body.platform), created: false };
    } else {
      if (existing) await deleteTokens(tx, [existing.id]);
      result = { token: await insertToken(tx, user.id, body), created: true };
    }
    await evictBeyondCap(tx, user.id, ctx.config.push.tokensPerUser);
    return result;
  });
}

export function listPushTokens(ctx: AppContext, user: VerifiedUser): Promise<PushToken[]> {
  return asUser(ctx.db, user, listOwnTokens);
}

export async function deletePushToken(ctx: AppContext, user: VerifiedUser, id: string): Promise<void> {
  const deleted = await asUser(ctx.db, user, (tx) => deleteOwnToken(tx, id));
  if (!deleted) throw new NotFoundError('push_token_not_found', 'No such push token');
}
