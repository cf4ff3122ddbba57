import { describe, expect, it } from 'vitest';
import { bearer, goodPassword, type TestAccount, useLabApp } from './support/lab-app.ts';
import { totpDevice } from './support/totp-device.ts';

const lab = useLabApp();
const step = 30_000;

const post = (url: string, payload: object, token?: string) =>
  lab.app.inject({ method: 'POST', url, payload, ...(token ? { headers: bearer(token) } : {}) });

/** Enrols the account in TOTP through the API; returns its device and recovery codes. */
async function enrol(user: TestAccount) {
  const started = await post('/auth/mfa/enrol', { password: user.password }, user.token);
  expect(started.statusCode).toBe(200);
  const { otpauth_uri, qr_png } = started.json();
  expect(otpauth_uri).toMatch(/^otpauth:\/\/totp\/POLYMORPH-LITE:.+\?.*secret=[A-Z2-7]+/);
  expect(qr_png).toMatch(/^data:image\/png;base64,/);
  const device = totpDevice(otpauth_uri);
  const confirmed = await post('/auth/mfa/confirm', { code: device.code(lab.clock.now()) }, user.token);
  expect(confirmed.statusCode).toBe(200);
  const recovery: string[] = confirmed.json().recovery_codes;
  lab.clock.advance(step);
  return { device, recovery };
}

async function passwordStep(email: string) {
  const response = await post('/auth/login', { email, password: goodPassword });
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({ mfa_required: true, mfa_token: expect.any(String) });
  return response.json().mfa_token as string;
}

describe('TOTP multi-factor authentication', () => {
  it('enrols, then logs in with a code; the token records both factors', async () => {
    const user = await lab.user(['scientist']);
    const { device, recovery } = await enrol(user);
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    const stored = await lab.db.kysely
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', user.id)
      .execute();
    expect(stored).toHaveLength(10);
    expect(stored.map((row) => row.code_hash)).not.toContain(recovery[0]);
    const seed = await lab.db.kysely
      .selectFrom('users')
      .select('mfa_secret')
      .where('id', '=', user.id)
      .executeTakeFirst();
    expect(seed?.mfa_secret).toMatch(/^v1\./);

    const mfaToken = await passwordStep(user.email);
    const completed = await post('/auth/mfa', { mfa_token: mfaToken, code: device.code(lab.clock.now()) });
    expect(completed.statusCode).toBe(200);
    const claims = JSON.parse(
      Buffer.from(completed.json().access_token.split('.')[1], 'base64url').toString(),
    );
    expect(claims.amr).toEqual(['pwd', 'otp']);
  });

  it('refuses a replayed code, an MFA token used as an access token, and a stranger code', async () => {
    const user = await lab.user([]);
    const { device } = await enrol(user);
    const code = device.code(lab.clock.now());
    const first = await post('/auth/mfa', { mfa_token: await passwordStep(user.email), code });
    expect(first.statusCode).toBe(200);
    const replay = await post('/auth/mfa', { mfa_token: await passwordStep(user.email), code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('invalid_credentials');
    const mfaToken = await passwordStep(user.email);
    const asAccess = await lab.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(mfaToken) });
    expect(asAccess.statusCode).toBe(401);
    const bad = await post('/auth/mfa', { mfa_token: 'not.a.token', code: '123456' });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('invalid_token');
  });

  it('accepts each recovery code once', async () => {
    const user = await lab.user([]);
    const { recovery } = await enrol(user);
    const code = recovery[3] as string;
    const used = await post('/auth/mfa', {
      mfa_token: await passwordStep(user.email),
      code: code.toUpperCase(),
    });
    expect(used.statusCode).toBe(200);
    const claims = JSON.parse(Buffer.from(used.json().access_token.split('.')[1], 'base64url').toString());
    expect(claims.amr).toEqual(['pwd', 'mfa']);
    const again = await post('/auth/mfa', { mfa_token: await passwordStep(user.email), code });
    expect(again.statusCode).toBe(401);
  });

  it('counts wrong codes toward the lockout', async () => {
    const user = await lab.user([]);
    const { device } = await enrol(user);
    const mfaToken = await passwordStep(user.email);
    const wrong = String((Number(device.code(lab.clock.now())) + 1) % 1_000_000).padStart(6, '0');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      statuses.push((await post('/auth/mfa', { mfa_token: mfaToken, code: wrong })).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    const login = await post('/auth/login', { email: user.email, password: goodPassword });
    expect(login.statusCode).toBe(423);
  });

  it('disables only with the password and a current code', async () => {
    const user = await lab.user([]);
    const { device } = await enrol(user);
    const noCode = await post('/auth/mfa/disable', { password: user.password }, user.token);
    expect(noCode.statusCode).toBe(400);
    const wrongPassword = await post(
      '/auth/mfa/disable',
      { password: 'Not-the-password-1', code: device.code(lab.clock.now()) },
      user.token,
    );
    expect(wrongPassword.statusCode).toBe(401);
    lab.clock.advance(step);
    const disabled = await post(
      '/auth/mfa/disable',
      { password: user.password, code: device.code(lab.clock.now()) },
      user.token,
    );
    expect(disabled.statusCode).toBe(204);
    const login = await post('/auth/login', { email: user.email, password: goodPassword });
    expect(login.json().access_token).toBeTruthy();
    const actions = await lab.db.kysely
      .selectFrom('audit_entries')
      .select('action')
      .where('entity_id', '=', user.id)
      .where('action', 'like', 'mfa.%')
      .orderBy('seq')
      .execute();
    expect(actions.map((row) => row.action)).toEqual([
      'mfa.enrolment_started',
      'mfa.enabled',
      'mfa.disable_failed',
      'mfa.disabled',
    ]);
  });

  it('takes a recovery code in place of a code to disable MFA, spends it and audits it', async () => {
    const user = await lab.user([]);
    const { recovery } = await enrol(user);
    const code = recovery[0] as string;
    const disabled = await post('/auth/mfa/disable', { password: user.password, code }, user.token);
    expect(disabled.statusCode).toBe(204);
    const actions = await lab.db.kysely
      .selectFrom('audit_entries')
      .select('action')
      .where('entity_id', '=', user.id)
      .where('action', 'like', 'mfa.%')
      .orderBy('seq')
      .execute();
    expect(actions.map((row) => row.action)).toEqual([
      'mfa.enrolment_started',
      'mfa.enabled',
      'mfa.recovery_code_used',
      'mfa.disabled',
    ]);
  });

  it('confirms only with a matching code, and not twice', async () => {
    const user = await lab.user([]);
    const noEnrolment = await post('/auth/mfa/confirm', { code: '123456' }, user.token);
    expect(noEnrolment.statusCode).toBe(409);
    expect(noEnrolment.json().error.code).toBe('no_pending_enrolment');
    await post('/auth/mfa/enrol', { password: user.password }, user.token);
    const wrong = await post('/auth/mfa/confirm', { code: '000000' }, user.token);
    expect([400]).toContain(wrong.statusCode);
    await enrol(user);
    const again = await post('/auth/mfa/enrol', { password: user.password }, user.token);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('mfa_already_enabled');
  });
});
