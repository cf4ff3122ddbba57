import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { bearer, goodPassword, useLabApp } from './support/lab-app.ts';

const lab = useLabApp();

const change = (token: string, current_password: string, new_password: string) =>
  lab.app.inject({
    method: 'POST',
    url: '/auth/password',
    headers: bearer(token),
    payload: { current_password, new_password },
  });

describe('password change', () => {
  it('applies the policy and names every problem', async () => {
    const user = await lab.user([]);
    const weak = await change(user.token, goodPassword, 'short');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('weak_password');
    const codes = weak.json().error.details.map((problem: { code: string }) => problem.code);
    expect(codes).toEqual(
      expect.arrayContaining(['password_too_short', 'password_missing_upper', 'password_missing_digit']),
    );
    const local = user.email.split('@')[0] as string;
    const onEmail = await change(user.token, goodPassword, `${local.toUpperCase()}-x1!${local}`);
    expect(onEmail.json().error.details.map((problem: { code: string }) => problem.code)).toContain(
      'password_contains_email',
    );
  });

  it('refuses the last five passwords and accepts the sixth-oldest', async () => {
    const user = await lab.user([]);
    const passwords = [
      goodPassword,
      'Second-pass-22!',
      'Third-pass-333!',
      'Fourth-pass-44!',
      'Fifth-pass-555!',
    ];
    let current = goodPassword;
    let token = user.token;
    for (const next of passwords.slice(1)) {
      lab.clock.advance(1_100);
      expect((await change(token, current, next)).statusCode).toBe(204);
      current = next;
      token = (await lab.login(user.email, current)).access_token;
    }
    for (const old of passwords) {
      const reused = await change(token, current, old);
      expect(reused.statusCode).toBe(400);
      expect(reused.json().error.code).toBe('password_reused');
    }
    lab.clock.advance(1_100);
    expect((await change(token, current, 'Sixth-pass-6666!')).statusCode).toBe(204);
    token = (await lab.login(user.email, 'Sixth-pass-6666!')).access_token;
    // The first password has now dropped out of the last five.
    lab.clock.advance(1_100);
    expect((await change(token, 'Sixth-pass-6666!', goodPassword)).statusCode).toBe(204);
  });

  it('needs the current password (failures count toward lockout) and ends other sessions', async () => {
    const user = await lab.user([]);
    const wrong = await change(user.token, 'Not-my-password-1', 'Brand-new-pass-1!');
    expect(wrong.statusCode).toBe(401);
    lab.clock.advance(1_100);
    expect((await change(user.token, goodPassword, 'Brand-new-pass-1!')).statusCode).toBe(204);
    const stale = await lab.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user.token) });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.code).toBe('session_revoked');
    expect((await lab.login(user.email, 'Brand-new-pass-1!')).access_token).toBeTruthy();
  });

  it('accepts a token signed before iat_ms existed, and ends it like any other', async () => {
    const user = await lab.user([]);
    const now = Math.floor(lab.clock.now().getTime() / 1000);
    const legacy = await new SignJWT({ email: user.email, roles: [], amr: ['pwd'] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('polymorph-lite')
      .setAudience('polymorph-lite:access')
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(new TextEncoder().encode(lab.ctx.keys.jwtSecret));
    const me = () => lab.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(legacy) });
    expect((await me()).statusCode).toBe(200);
    lab.clock.advance(1_100);
    expect((await change(user.token, goodPassword, 'Legacy-token-pass-1!')).statusCode).toBe(204);
    expect((await me()).json().error?.code).toBe('session_revoked');
  });

  it('ends a session that began earlier in the same second as the change', async () => {
    const second = Math.ceil(Date.now() / 1000) * 1000 + 60_000;
    lab.clock.set(new Date(second + 50));
    const user = await lab.user([]);
    lab.clock.set(new Date(second + 500));
    expect((await change(user.token, goodPassword, 'Same-second-pass-1!')).statusCode).toBe(204);
    const stale = await lab.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user.token) });
    expect(stale.json().error?.code).toBe('session_revoked');
    const fresh = await lab.login(user.email, 'Same-second-pass-1!');
    const me = await lab.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(fresh.access_token) });
    expect(me.statusCode).toBe(200);
  });
});
