import { describe, expect, it } from 'vitest';
import { bearer, goodPassword, useLabApp } from './support/lab-app.ts';
import { totpDevice } from './support/totp-device.ts';

const lab = useLabApp();

interface Cookie {
  name: string;
  value: string;
  path?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
  maxAge?: number;
}
type Reply = Awaited<ReturnType<typeof lab.app.inject>>;

const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  lab.app.inject({ method: 'POST', url, payload, headers });
const cookieOf = (response: Reply, name: string) =>
  (response.cookies as Cookie[]).find((cookie) => cookie.name === name);
/** What a browser sends back: the session cookie (to /auth paths) and the CSRF header the page copied. */
const browserHeaders = (refresh: string, csrf: string) => ({
  cookie: `lab_refresh=${refresh}; lab_csrf=${csrf}`,
  'x-csrf-token': csrf,
});

async function browserLogin(email: string) {
  const response = await post('/auth/login', { email, password: goodPassword, session: 'cookie' });
  expect(response.statusCode).toBe(200);
  return response;
}

describe('browser sessions (refresh token in an HttpOnly cookie, CSRF header)', () => {
  it('signs in with the refresh token in an HttpOnly, SameSite=Strict cookie scoped to /auth, never in the body', async () => {
    const user = await lab.user(['scientist']);
    const response = await browserLogin(user.email);
    const body = response.json();
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 900,
      csrf_token: expect.any(String),
    });
    expect(body.refresh_token).toBeUndefined();
    const refresh = cookieOf(response, 'lab_refresh');
    expect(refresh).toMatchObject({ path: '/auth', httpOnly: true, sameSite: 'Strict', maxAge: 14 * 86_400 });
    expect(refresh?.secure).toBeFalsy();
    expect(cookieOf(response, 'lab_csrf')).toMatchObject({
      value: body.csrf_token,
      path: '/',
      sameSite: 'Strict',
    });
    expect(cookieOf(response, 'lab_csrf')?.httpOnly).toBeFalsy();
    const me = await lab.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(body.access_token) });
    expect(me.statusCode).toBe(200);
  });

  it('refreshes with the cookie and the CSRF header, rotating both; a replayed cookie ends the session', async () => {
    const user = await lab.user(['scientist']);
    const first = await browserLogin(user.email);
    const refresh = cookieOf(first, 'lab_refresh')?.value ?? '';
    const csrf = first.json().csrf_token;
    const rotated = await post('/auth/refresh', {}, browserHeaders(refresh, csrf));
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().refresh_token).toBeUndefined();
    const next = cookieOf(rotated, 'lab_refresh')?.value ?? '';
    expect(next).not.toBe(refresh);
    expect(rotated.json().csrf_token).not.toBe(csrf);
    // The old cookie again (stolen and replayed): refused, the whole session ends, cookies cleared.
    const replayed = await post('/auth/refresh', {}, browserHeaders(refresh, csrf));
    expect(replayed.statusCode).toBe(401);
    expect(cookieOf(replayed, 'lab_refresh')?.value).toBe('');
    const after = await post('/auth/refresh', {}, browserHeaders(next, rotated.json().csrf_token));
    expect(after.statusCode).toBe(401);
  });

  it('refuses a cookie refresh without the CSRF header, with a wrong one, or with nothing at all', async () => {
    const user = await lab.user(['scientist']);
    const response = await browserLogin(user.email);
    const refresh = cookieOf(response, 'lab_refresh')?.value ?? '';
    const csrf = response.json().csrf_token;
    // A cross-site form post would carry neither header nor (SameSite) cookie; a planted cookie no header.
    const noHeader = await post('/auth/refresh', {}, { cookie: `lab_refresh=${refresh}; lab_csrf=${csrf}` });
    expect(noHeader.statusCode).toBe(401);
    expect(noHeader.json().error.code).toBe('csrf_failed');
    // A CSRF pair made up by an attacker who can set cookies but does not know the refresh token.
    const forged = await post(
      '/auth/refresh',
      {},
      browserHeaders(refresh, 'forged-token-forged-token-forged-token-aaaaaa'),
    );
    expect(forged.json().error.code).toBe('csrf_failed');
    const nothing = await post('/auth/refresh', {});
    expect(nothing.statusCode).toBe(400);
    expect(nothing.json().error.code).toBe('refresh_token_required');
    // None of that spent the token: the page's own refresh still works.
    expect((await post('/auth/refresh', {}, browserHeaders(refresh, csrf))).statusCode).toBe(200);
  });

  it('signs out with the cookie and the header, clearing both cookies; the JSON mode is unchanged', async () => {
    const user = await lab.user(['scientist']);
    const response = await browserLogin(user.email);
    const refresh = cookieOf(response, 'lab_refresh')?.value ?? '';
    const csrf = response.json().csrf_token;
    const out = await post('/auth/logout', {}, browserHeaders(refresh, csrf));
    expect(out.statusCode).toBe(204);
    expect(cookieOf(out, 'lab_refresh')).toMatchObject({ value: '', path: '/auth' });
    expect(cookieOf(out, 'lab_csrf')).toMatchObject({ value: '', path: '/' });
    expect((await post('/auth/refresh', {}, browserHeaders(refresh, csrf))).statusCode).toBe(401);

    const json = await post('/auth/login', { email: user.email, password: goodPassword });
    expect(json.json().refresh_token).toEqual(expect.any(String));
    expect(json.cookies).toEqual([]);
    const again = await post('/auth/refresh', { refresh_token: json.json().refresh_token });
    expect(again.statusCode).toBe(200);
    expect(again.json().refresh_token).toEqual(expect.any(String));
  });

  it('finishes an MFA sign-in as a browser session', async () => {
    const user = await lab.user(['scientist']);
    const started = await post('/auth/mfa/enrol', { password: user.password }, bearer(user.token));
    const device = totpDevice(started.json().otpauth_uri);
    await post('/auth/mfa/confirm', { code: device.code(lab.clock.now()) }, bearer(user.token));
    lab.clock.advance(30_000);
    const step = await post('/auth/login', { email: user.email, password: goodPassword, session: 'cookie' });
    expect(step.json()).toEqual({ mfa_required: true, mfa_token: expect.any(String) });
    const done = await post('/auth/mfa', {
      mfa_token: step.json().mfa_token,
      code: device.code(lab.clock.now()),
      session: 'cookie',
    });
    expect(done.statusCode).toBe(200);
    expect(done.json().csrf_token).toEqual(expect.any(String));
    expect(cookieOf(done, 'lab_refresh')?.httpOnly).toBe(true);
  });
});
