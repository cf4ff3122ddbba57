import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadPrincipal } from '../src/modules/access/principal.repository.ts';
import { insertRefreshToken } from '../src/modules/auth/refresh-tokens.repository.ts';
import { newRefreshToken, signAccessToken } from '../src/modules/auth/tokens.ts';
import { bearer, useLabApp } from './support/lab-app.ts';

const lab = useLabApp();
const onServer = process.env.TEST_DB === 'postgres';

const refresh = (refresh_token: string) =>
  lab.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token } });

describe('refresh tokens', () => {
  it('rotate: each refresh spends the old token and returns a new pair', async () => {
    const user = await lab.user(['compliance']);
    const first = await lab.login(user.email);
    const second = await refresh(first.refresh_token);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    expect(second.json().refresh_token).not.toBe(first.refresh_token);
    const me = await lab.app.inject({
      method: 'GET',
      url: '/auth/me',
      headers: bearer(second.json().access_token),
    });
    expect(me.statusCode).toBe(200);
    const stored = await lab.db.kysely
      .selectFrom('refresh_tokens')
      .select('token_hash')
      .where('user_id', '=', user.id)
      .execute();
    expect(stored.map((row) => row.token_hash)).not.toContain(first.refresh_token);
  });

  it('detect reuse: presenting a spent token revokes the whole family and is audited', async () => {
    const user = await lab.user([]);
    const first = await lab.login(user.email);
    const second = (await refresh(first.refresh_token)).json();
    const reused = await refresh(first.refresh_token);
    expect(reused.statusCode).toBe(401);
    expect(reused.json().error.code).toBe('refresh_token_reused');
    // The legitimate holder's newer token died with the family.
    const afterTheft = await refresh(second.refresh_token);
    expect(afterTheft.statusCode).toBe(401);
    expect(afterTheft.json().error.code).toBe('invalid_refresh_token');
    const audit = await lab.db.kysely
      .selectFrom('audit_entries')
      .select('action')
      .where('entity_id', '=', user.id)
      .where('action', '=', 'auth.refresh_reuse')
      .executeTakeFirst();
    expect(audit).toBeDefined();
    // Another login's session is untouched.
    const other = await lab.login(user.email);
    expect((await refresh(other.refresh_token)).statusCode).toBe(200);
  });

  it('expire after their lifetime', async () => {
    const user = await lab.user([]);
    const pair = await lab.login(user.email);
    lab.clock.advance(15 * 86_400_000);
    try {
      expect((await refresh(pair.refresh_token)).statusCode).toBe(401);
    } finally {
      lab.clock.advance(-15 * 86_400_000);
    }
  });

  it('logout ends the session: its refresh token no longer works', async () => {
    const user = await lab.user([]);
    const pair = await lab.login(user.email);
    const out = await lab.app.inject({
      method: 'POST',
      url: '/auth/logout',
      payload: { refresh_token: pair.refresh_token },
    });
    expect(out.statusCode).toBe(204);
    expect((await refresh(pair.refresh_token)).statusCode).toBe(401);
    const unknown = await lab.app.inject({
      method: 'POST',
      url: '/auth/logout',
      payload: { refresh_token: 'nope' },
    });
    expect(unknown.statusCode).toBe(204);
  });

  it('refuses garbage and malformed bodies with 4xx codes', async () => {
    expect((await refresh('x'.repeat(43))).statusCode).toBe(401);
    const missing = await lab.app.inject({ method: 'POST', url: '/auth/refresh', payload: {} });
    expect(missing.statusCode).toBe(400);
  });

  it('die with their session epoch: tokens minted under the old epoch (a refresh racing a reset) are refused', async () => {
    const user = await lab.user([]);
    const before = await loadPrincipal(lab.db.kysely, user.id);
    const oldEpoch = before?.session_epoch ?? -1;
    // The reset commits; then tokens minted under the epoch it ended (as a refresh that read the
    // user just before the reset committed would have minted them) are presented.
    await lab.app.inject({
      method: 'POST',
      url: `/api/admin/users/${user.id}/password`,
      headers: bearer((await lab.user(['admin'])).token),
      payload: { password: 'Reset-by-admin-1!', reason: 'forgotten' },
    });
    const after = await loadPrincipal(lab.db.kysely, user.id);
    expect(after?.session_epoch).toBe(oldEpoch + 1);
    const late = newRefreshToken();
    const lateId = await lab.db.transaction((tx) =>
      insertRefreshToken(tx, {
        family_id: randomUUID(),
        user_id: user.id,
        hash: late.hash,
        amr: ['pwd'],
        expires_at: new Date(lab.clock.now().getTime() + 86_400_000),
        session_epoch: oldEpoch,
      }),
    );
    expect((await refresh(late.token)).json().error?.code).toBe('invalid_refresh_token');
    lab.clock.advance(5_000);
    const lateAccess = await signAccessToken(
      lab.ctx.keys.jwtSecret,
      { ...(after as NonNullable<typeof after>), session_epoch: oldEpoch },
      { amr: ['pwd'], refreshTokenId: lateId },
      900,
      lab.clock.now(),
    );
    const me = await lab.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(lateAccess) });
    expect(me.json().error?.code).toBe('session_revoked');
    const fresh = await lab.login(user.email, 'Reset-by-admin-1!');
    expect((await refresh(fresh.refresh_token)).statusCode).toBe(200);
  });

  it.runIf(onServer)(
    'two racing refreshes with one token: one wins, the other is treated as reuse',
    async () => {
      const user = await lab.user([]);
      const pair = await lab.login(user.email);
      const results = await Promise.all([refresh(pair.refresh_token), refresh(pair.refresh_token)]);
      expect(results.map((response) => response.statusCode).sort()).toEqual([200, 401]);
    },
  );
});
