import { describe, expect, it } from 'vitest';
import { prepareSetupToken } from '../src/modules/accounts/setup.service.ts';
import { bearer, goodPassword, useLabApp } from './support/lab-app.ts';

const lab = useLabApp();

const loginAs = (email: string, password: string, ip = '198.51.100.7') =>
  lab.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password }, remoteAddress: ip });

async function auditActions(entityId: string): Promise<string[]> {
  const rows = await lab.db.kysely
    .selectFrom('audit_entries')
    .select('action')
    .where('entity_id', '=', entityId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => row.action);
}

describe('first-run setup', () => {
  it('creates the first admin once with the one-time token, then refuses', async () => {
    const token = await prepareSetupToken(lab.ctx);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const body = { email: 'First.Admin@Lab.test', full_name: 'First Admin', password: goodPassword };
    const wrong = await lab.app.inject({
      method: 'POST',
      url: '/auth/setup',
      payload: { ...body, setup_token: 'not-the-token' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('invalid_setup_token');
    const weak = await lab.app.inject({
      method: 'POST',
      url: '/auth/setup',
      payload: { ...body, password: 'short', setup_token: token },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('weak_password');
    const created = await lab.app.inject({
      method: 'POST',
      url: '/auth/setup',
      payload: { ...body, setup_token: token },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email: 'first.admin@lab.test', roles: ['admin'], active: true });
    const again = await lab.app.inject({
      method: 'POST',
      url: '/auth/setup',
      payload: { ...body, setup_token: token },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('setup_complete');
    expect(await prepareSetupToken(lab.ctx)).toBeUndefined();
    const tokens = await lab.login('FIRST.admin@lab.test');
    expect(tokens.access_token).toBeTruthy();
  });
});

describe('login', () => {
  it("answers in the seed's shape with a 15-minute access token carrying sub, email, roles, amr and jti", async () => {
    const user = await lab.user(['scientist']);
    const response = await loginAs(user.email.toUpperCase(), goodPassword);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: user.id, email: user.email, roles: ['scientist'], amr: ['pwd'] });
    expect(claims.exp - claims.iat).toBe(900);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    const me = await lab.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(body.access_token) });
    expect(me.json()).toMatchObject({ id: user.id, roles: ['scientist'] });
    expect(me.json().permissions).toContain('samples:create');
  });

  it('refuses a wrong password and an unknown e-mail alike, and audits both', async () => {
    const user = await lab.user([]);
    const wrong = await loginAs(user.email, 'Wrong-password-1!');
    const unknown = await loginAs('nobody@lab.test', goodPassword);
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toEqual({
        code: 'invalid_credentials',
        message: 'The e-mail address or password is not correct',
      });
    }
    expect(await auditActions(user.id)).toContain('auth.login_failed');
    const row = await lab.db.kysely
      .selectFrom('audit_entries')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('action', '=', 'auth.login_failed')
      .where('actor_email', '=', 'nobody@lab.test')
      .executeTakeFirst();
    expect(row?.count).toBe(1);
  });

  it('locks the account for 30 minutes after 5 consecutive failures, then lets it in again', async () => {
    const user = await lab.user(['technician']);
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      expect((await loginAs(user.email, `Wrong-password-${attempt}!`)).statusCode).toBe(401);
    }
    const fifth = await loginAs(user.email, 'Wrong-password-5!');
    expect(fifth.statusCode).toBe(423);
    const lockedUntil = new Date(fifth.json().error.details.locked_until).getTime();
    const expected = lab.clock.now().getTime() + 30 * 60_000;
    expect(Math.abs(lockedUntil - expected)).toBeLessThan(5_000);
    expect(fifth.json().error.message).toContain(new Date(lockedUntil).toISOString());
    // Even the right password is refused while locked.
    const correct = await loginAs(user.email, goodPassword);
    expect(correct.statusCode).toBe(423);
    expect(correct.json().error.code).toBe('account_locked');
    expect(await auditActions(user.id)).toContain('auth.lockout');
    lab.clock.advance(30 * 60_000 + 1_000);
    try {
      expect((await loginAs(user.email, goodPassword)).statusCode).toBe(200);
    } finally {
      lab.clock.advance(-(30 * 60_000 + 1_000));
    }
  });

  it('counts only consecutive failures: a success resets the count', async () => {
    const user = await lab.user([]);
    for (let attempt = 0; attempt < 4; attempt += 1) await loginAs(user.email, 'Wrong-password-1!');
    expect((await loginAs(user.email, goodPassword)).statusCode).toBe(200);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      expect((await loginAs(user.email, 'Wrong-password-1!')).statusCode).toBe(401);
    }
  });

  it('refuses inactive accounts', async () => {
    const user = await lab.user(['scientist']);
    // Straight in the database (with the audit entry it needs), so only the active flag changes.
    await lab.db.transaction(async (tx) => {
      await tx.updateTable('users').set({ active: false }).where('id', '=', user.id).execute();
      await lab.ctx.audit.append(tx, {
        actor_id: null,
        actor_email: 'system:test',
        request_id: null,
        client_ip: null,
        action: 'user.deactivate',
        entity_type: 'user',
        entity_id: user.id,
        before: { active: true },
        after: { active: false },
        reason: 'test',
      });
    });
    const response = await loginAs(user.email, goodPassword);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('account_inactive');
    // And the token issued before deactivation stops working at once.
    const me = await lab.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user.token) });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('account_inactive');
  });

  it('takes as long for an unknown e-mail as for a known one (statistical, generous bounds)', async () => {
    const user = await lab.user([]);
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 8; round += 1) {
      // A success in between keeps the known account from locking.
      let started = performance.now();
      await loginAs(user.email, 'Wrong-password-1!');
      known.push(performance.now() - started);
      started = performance.now();
      await loginAs(`ghost-${round}@lab.test`, 'Wrong-password-1!');
      unknown.push(performance.now() - started);
      if (round % 3 === 2) await loginAs(user.email, goodPassword);
    }
    const ratio = median(unknown) / median(known);
    // Without the decoy hash an unknown e-mail answers in about a tenth of the time.
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('validates the body with codes, never a 500', async () => {
    const missing = await lab.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'a@b.co' },
    });
    expect(missing.statusCode).toBe(400);
    const huge = await loginAs('a@b.co', 'x'.repeat(300));
    expect(huge.statusCode).toBe(400);
    expect(huge.json().error.code).toBeTruthy();
  });
});

describe('login rate limit per IP', () => {
  const limited = useLabApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });

  it('answers 429 with Retry-After once an address exceeds its budget', async () => {
    const attempt = () =>
      limited.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email: 'x@lab.test', password: 'Whatever-123!' },
        remoteAddress: '203.0.113.9',
      });
    for (let n = 0; n < 3; n += 1) expect((await attempt()).statusCode).toBe(401);
    const over = await attempt();
    expect(over.statusCode).toBe(429);
    expect(over.headers['retry-after']).toBeTruthy();
    const elsewhere = await limited.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'x@lab.test', password: 'Whatever-123!' },
      remoteAddress: '203.0.113.10',
    });
    expect(elsewhere.statusCode).toBe(401);
  });
});
