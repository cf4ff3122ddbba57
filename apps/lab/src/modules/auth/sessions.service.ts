import { randomUUID } from 'node:crypto';
import { UnauthorizedError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import { loadPrincipal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import {
  insertRefreshToken,
  lockRefreshToken,
  markRefreshTokenUsed,
  revokeFamily,
} from './refresh-tokens.repository.ts';
import { hashRefreshToken, newRefreshToken, signAccessToken } from './tokens.ts';

/** The seed's login reply, plus the refresh token. */
export interface TokenPair {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token: string;
}

/**
 * Starts (or, given a family, continues) a session inside the caller's transaction: a refresh token
 * in the login's family, and an access token naming it (so ending the family ends the access token).
 */
export async function issueSession(
  tx: LabExecutor,
  ctx: LabContext,
  userId: string,
  amr: string[],
  familyId: string = randomUUID(),
): Promise<TokenPair> {
  const principal = await loadPrincipal(tx, userId);
  if (!principal?.active) throw new UnauthorizedError('account_inactive', 'This account is not active');
  const refresh = newRefreshToken();
  const now = ctx.now();
  const refreshTokenId = await insertRefreshToken(tx, {
    family_id: familyId,
    user_id: userId,
    hash: refresh.hash,
    amr,
    expires_at: new Date(now.getTime() + ctx.config.auth.refreshTokenDays * 86_400_000),
    session_epoch: principal.session_epoch,
  });
  const expiresIn = ctx.config.auth.accessTokenSeconds;
  return {
    access_token: await signAccessToken(
      ctx.keys.jwtSecret,
      principal,
      { amr, refreshTokenId },
      expiresIn,
      now,
    ),
    token_type: 'bearer',
    expires_in: expiresIn,
    refresh_token: refresh.token,
  };
}

const invalidRefresh = () =>
  new UnauthorizedError('invalid_refresh_token', 'The refresh token is not valid; please sign in again');

/**
 * Rotates a refresh token: the old one is spent and a new one issued in the same family. Presenting
 * a spent token means it was copied: the whole family is revoked (the thief and the user both sign
 * in again, their access tokens refused from the next request), and the event is audited.
 */
export async function refreshSession(ctx: LabContext, token: string, actor: AuditActor): Promise<TokenPair> {
  const outcome = await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const row = await lockRefreshToken(tx, hashRefreshToken(token), now);
    if (!row || row.revoked || row.expired) return { ok: false as const, reused: false };
    if (row.used) {
      await revokeFamily(tx, row.family_id, now);
      const principal = await loadPrincipal(tx, row.user_id);
      await ctx.audit.append(tx, {
        ...actor,
        actor_id: row.user_id,
        actor_email: principal?.email ?? null,
        action: 'auth.refresh_reuse',
        entity_type: 'user',
        entity_id: row.user_id,
        before: null,
        after: { family_revoked: row.family_id },
        reason: 'a spent refresh token was presented again',
      });
      return { ok: false as const, reused: true };
    }
    await markRefreshTokenUsed(tx, row.id, now);
    return { ok: true as const, pair: await issueSession(tx, ctx, row.user_id, row.amr, row.family_id) };
  });
  if (outcome.ok) return outcome.pair;
  if (outcome.reused) {
    throw new UnauthorizedError(
      'refresh_token_reused',
      'This refresh token was already used; every session from that login has been ended',
    );
  }
  throw invalidRefresh();
}

/**
 * Ends the session the refresh token belongs to (its whole family, and with it the session's access
 * tokens from their next request). Unknown tokens are a no-op.
 */
export async function endSession(ctx: LabContext, token: string, actor: AuditActor): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const row = await lockRefreshToken(tx, hashRefreshToken(token), now);
    if (!row || row.revoked) return;
    await revokeFamily(tx, row.family_id, now);
    const principal = await loadPrincipal(tx, row.user_id);
    await ctx.audit.append(tx, {
      ...actor,
      actor_id: row.user_id,
      actor_email: principal?.email ?? null,
      action: 'auth.logout',
      entity_type: 'user',
      entity_id: row.user_id,
      before: null,
      after: null,
      reason: null,
    });
  });
}
