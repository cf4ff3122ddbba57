import { randomUUID } from 'node:crypto';
import type { HttpApp } from '@ours/platform/http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createContext } from '../src/create-context.ts';
import { bearer, useLabApp } from './support/lab-app.ts';

const lab = useLabApp();
/** A second server on the same database, as behind a load balancer: its own verified-token cache. */
let other: HttpApp;

beforeAll(async () => {
  other = await buildApp(await createContext(lab.ctx.config, { db: lab.db, now: lab.clock.now }));
  await other.ready();
});
afterAll(async () => other?.close());

const me = (token: string, app: HttpApp = lab.app) =>
  app.inject({ method: 'GET', url: '/auth/me', headers: bearer(token) });
const post = (url: string, refresh_token: string) =>
  lab.app.inject({ method: 'POST', url, payload: { refresh_token } });

describe('access tokens end with their session', () => {
  it('after logout, the same access token is refused (also where it was already verified and remembered)', async () => {
    const user = await lab.user([]);
    const pair = await lab.login(user.email);
    // Verified once on each server: both now remember the token.
    expect((await me(pair.access_token)).statusCode).toBe(200);
    expect((await me(pair.access_token, other)).statusCode).toBe(200);
    expect((await post('/auth/logout', pair.refresh_token)).statusCode).toBe(204);
    for (const app of [lab.app, other]) {
      const after = await me(pair.access_token, app);
      expect(after.statusCode).toBe(401);
      expect(after.json().error.code).toBe('session_revoked');
    }
  });

  it("after a refresh token's reuse is detected, every access token of that login is refused", async () => {
    const user = await lab.user([]);
    const first = await lab.login(user.email);
    const rotated = (await post('/auth/refresh', first.refresh_token)).json();
    expect((await me(rotated.access_token, other)).statusCode).toBe(200);
    const reused = await post('/auth/refresh', first.refresh_token);
    expect(reused.json().error.code).toBe('refresh_token_reused');
    for (const token of [first.access_token, rotated.access_token]) {
      for (const app of [lab.app, other]) {
        const after = await me(token, app);
        expect(after.statusCode).toBe(401);
        expect(after.json().error.code).toBe('session_revoked');
      }
    }
  });

  it("leaves the user's other logins signed in", async () => {
    const user = await lab.user([]);
    const kept = await lab.login(user.email);
    const ended = await lab.login(user.email);
    expect((await post('/auth/logout', ended.refresh_token)).statusCode).toBe(204);
    const theft = await lab.login(user.email);
    const spent = (await post('/auth/refresh', theft.refresh_token)).json();
    expect(spent.access_token).toBeTruthy();
    await post('/auth/refresh', theft.refresh_token);
    expect((await me(kept.access_token)).statusCode).toBe(200);
    expect((await me(kept.access_token, other)).statusCode).toBe(200);
    expect((await post('/auth/refresh', kept.refresh_token)).statusCode).toBe(200);
  });

  it('keeps accepting tokens issued before sessions were named in them until they expire', async () => {
    const user = await lab.user([]);
    const pair = await lab.login(user.email);
    const now = lab.clock.now();
    const legacy = await new SignJWT({
      email: user.email,
      roles: [],
      amr: ['pwd'],
      iat_ms: now.getTime(),
      sep: 0,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('polymorph-lite')
      .setAudience('polymorph-lite:access')
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 900)
      .sign(new TextEncoder().encode(lab.ctx.keys.jwtSecret));
    expect((await post('/auth/logout', pair.refresh_token)).statusCode).toBe(204);
    // Nothing ties it to a session: it lives out its 15 minutes, as every token did before.
    expect((await me(legacy)).statusCode).toBe(200);
    lab.clock.advance(901_000);
    try {
      expect((await me(legacy)).json().error.code).toBe('token_expired');
    } finally {
      lab.clock.advance(-901_000);
    }
  });

  it('refuses a token whose session claim is not a session id', async () => {
    const user = await lab.user([]);
    const now = lab.clock.now();
    const forged = await new SignJWT({ email: user.email, roles: [], amr: ['pwd'], sep: 0, rti: 'x' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('polymorph-lite')
      .setAudience('polymorph-lite:access')
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 900)
      .sign(new TextEncoder().encode(lab.ctx.keys.jwtSecret));
    expect((await me(forged)).json().error.code).toBe('invalid_token');
  });
});
