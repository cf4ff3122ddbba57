import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLabId } from '../src/modules/sites/lab-scope.ts';
import { bearer, goodPassword, type LabTestApp, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp();
let admin: TestAccount;

beforeAll(async () => {
  admin = await lab.user(['admin'], { full_name: 'Ada Admin' });
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const call = (target: LabTestApp, method: Method, url: string, token: string, payload?: object) =>
  target.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

const asAdmin = (method: Method, url: string, payload?: object) =>
  call(lab, method, url, admin.token, payload);

const loginAttempt = (email: string, password: string) =>
  lab.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });

/** The audit entries about one user with one action, newest first, read through the API. */
async function auditOf(userId: string, action: string) {
  const response = await asAdmin(
    'GET',
    `/api/compliance/audit?entity_type=user&entity_id=${userId}&action=${action}`,
  );
  expect(response.statusCode).toBe(200);
  return response.json().items as Array<{
    actor_id: string | null;
    before: unknown;
    after: unknown;
    reason: string | null;
  }>;
}

async function lockOut(email: string) {
  for (let attempt = 1; attempt <= 5; attempt += 1) await loginAttempt(email, `Wrong-password-${attempt}!`);
  const locked = await loginAttempt(email, goodPassword);
  expect(locked.statusCode).toBe(423);
}

describe('access to account administration', () => {
  it('answers 403 to a non-admin and 401 without a token', async () => {
    const scientist = await lab.user(['scientist']);
    const forbidden = await call(lab, 'GET', '/api/admin/users', scientist.token);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('forbidden');
    expect((await lab.app.inject({ method: 'GET', url: '/api/admin/users' })).statusCode).toBe(401);
  });
});

describe('creating users', () => {
  const body = {
    email: 'New.Person@Lab.Test',
    full_name: 'New Person',
    password: goodPassword,
    roles: ['scientist', 'technician'],
  };

  it('creates an account with a lower-cased e-mail, its roles and the default lab, and audits it', async () => {
    const created = await asAdmin('POST', '/api/admin/users', body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      email: 'new.person@lab.test',
      full_name: 'New Person',
      active: true,
      mfa_enabled: false,
      roles: ['scientist', 'technician'],
      lab_ids: [defaultLabId],
      locked_until: null,
    });
    expect(created.json()).not.toHaveProperty('password_hash');
    const [entry] = await auditOf(created.json().id, 'user.create');
    expect(entry).toMatchObject({
      actor_id: admin.id,
      before: null,
      after: { email: 'new.person@lab.test', roles: ['scientist', 'technician'], active: true },
    });
    expect((await lab.login('NEW.PERSON@lab.test')).access_token).toBeTruthy();
  });

  it('answers 409 email_taken for the same e-mail in another case', async () => {
    const again = await asAdmin('POST', '/api/admin/users', { ...body, email: 'NEW.person@LAB.test' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('email_taken');
  });

  it('answers 400 unknown_role for a role that does not exist, and creates nothing', async () => {
    const email = 'wizard@lab.test';
    const response = await asAdmin('POST', '/api/admin/users', { ...body, email, roles: ['wizard'] });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('unknown_role');
    const users = (await asAdmin('GET', '/api/admin/users')).json() as Array<{ email: string }>;
    expect(users.map((user) => user.email)).not.toContain(email);
  });

  it('answers 400 weak_password listing every problem', async () => {
    const response = await asAdmin('POST', '/api/admin/users', {
      ...body,
      email: 'weak@lab.test',
      password: 'short',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('weak_password');
    const codes = response.json().error.details.map((problem: { code: string }) => problem.code);
    expect(codes).toEqual(
      expect.arrayContaining(['password_too_short', 'password_missing_upper', 'password_missing_digit']),
    );
    expect(codes).not.toContain('password_missing_lower');
  });

  it('refuses an invalid e-mail and unknown fields with 400', async () => {
    const badEmail = await asAdmin('POST', '/api/admin/users', { ...body, email: 'not-an-email' });
    expect(badEmail.statusCode).toBe(400);
    const extra = await asAdmin('POST', '/api/admin/users', { ...body, email: 'x@lab.test', admin: true });
    expect(extra.statusCode).toBe(400);
  });
});

describe('reading users', () => {
  it('lists accounts ordered by e-mail', async () => {
    const zed = await lab.user(['technician'], { email: 'zz-last@lab.test' });
    const response = await asAdmin('GET', '/api/admin/users');
    expect(response.statusCode).toBe(200);
    const users = response.json() as Array<{ id: string; email: string; roles: string[] }>;
    expect(users.find((user) => user.id === zed.id)).toMatchObject({ roles: ['technician'] });
    const emails = users.map((user) => user.email);
    expect(emails).toEqual([...emails].sort());
  });

  it('shows one account with its (so far empty) signatures', async () => {
    const user = await lab.user(['scientist'], { full_name: 'Sam Scientist' });
    const response = await asAdmin('GET', `/api/admin/users/${user.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: user.id,
      email: user.email,
      full_name: 'Sam Scientist',
      roles: ['scientist'],
      signatures: [],
    });
  });

  it('answers 404 user_not_found for an unknown id and 400 for a non-uuid id', async () => {
    const id = randomUUID();
    for (const [method, url, payload] of [
      ['GET', `/api/admin/users/${id}`, undefined],
      ['PATCH', `/api/admin/users/${id}`, { full_name: 'X', reason: 'r' }],
      ['POST', `/api/admin/users/${id}/password`, { password: 'Another-Pass-99!', reason: 'r' }],
      ['POST', `/api/admin/users/${id}/unlock`, { reason: 'r' }],
      ['POST', `/api/admin/users/${id}/roles`, { role: 'scientist', reason: 'r' }],
      ['DELETE', `/api/admin/users/${id}/roles/scientist`, { reason: 'r' }],
    ] as const) {
      const response = await asAdmin(method, url, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('user_not_found');
    }
    const notUuid = await asAdmin('GET', '/api/admin/users/not-a-uuid');
    expect(notUuid.statusCode).toBe(400);
    expect(notUuid.json().error.code).toBe('validation_failed');
  });
});

describe('updating users', () => {
  it('requires a reason to rename (400 without) and changes nothing then', async () => {
    const user = await lab.user([], { full_name: 'Old Name' });
    const noReason = await asAdmin('PATCH', `/api/admin/users/${user.id}`, { full_name: 'New Name' });
    expect(noReason.statusCode).toBe(400);
    const onlyReason = await asAdmin('PATCH', `/api/admin/users/${user.id}`, { reason: 'nothing' });
    expect(onlyReason.statusCode).toBe(400);
    expect((await asAdmin('GET', `/api/admin/users/${user.id}`)).json().full_name).toBe('Old Name');
    expect(await auditOf(user.id, 'user.update')).toEqual([]);
  });

  it('renames and audits only the changed fields with the reason', async () => {
    const user = await lab.user(['scientist'], { full_name: 'Old Name' });
    const renamed = await asAdmin('PATCH', `/api/admin/users/${user.id}`, {
      full_name: '  New Name ',
      active: true,
      reason: 'name changed after marriage',
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ full_name: 'New Name', active: true });
    const entries = await auditOf(user.id, 'user.update');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_id: admin.id, reason: 'name changed after marriage' });
    expect(entries[0]?.before).toEqual({ full_name: 'Old Name' });
    expect(entries[0]?.after).toEqual({ full_name: 'New Name' });
  });

  it('writes no audit entry when nothing actually changes', async () => {
    const user = await lab.user([], { full_name: 'Same Name' });
    const response = await asAdmin('PATCH', `/api/admin/users/${user.id}`, {
      full_name: 'Same Name',
      reason: 'no-op',
    });
    expect(response.statusCode).toBe(200);
    expect(await auditOf(user.id, 'user.update')).toEqual([]);
  });

  it('deactivating an account that is already inactive changes nothing and writes no entry', async () => {
    const user = await lab.user([]);
    const deactivate = () =>
      asAdmin('PATCH', `/api/admin/users/${user.id}`, { active: false, reason: 'left the lab' });
    expect((await deactivate()).statusCode).toBe(200);
    const again = await deactivate();
    expect(again.statusCode).toBe(200);
    expect(again.json().active).toBe(false);
    expect(await auditOf(user.id, 'user.deactivate')).toHaveLength(1);
  });

  it('deactivation rejects the existing access token and the refresh token at once', async () => {
    const user = await lab.user(['scientist']);
    const session = await lab.login(user.email);
    const deactivated = await asAdmin('PATCH', `/api/admin/users/${user.id}`, {
      active: false,
      reason: 'left the company',
    });
    expect(deactivated.statusCode).toBe(200);
    expect(deactivated.json().active).toBe(false);
    const [entry] = await auditOf(user.id, 'user.deactivate');
    expect(entry).toMatchObject({
      before: { active: true },
      after: { active: false },
      reason: 'left the company',
    });

    for (const token of [user.token, session.access_token]) {
      const me = await call(lab, 'GET', '/auth/me', token);
      expect(me.statusCode).toBe(401);
      expect(me.json().error.code).toBe('account_inactive');
    }
    const refresh = await lab.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      payload: { refresh_token: session.refresh_token },
    });
    expect(refresh.statusCode).toBe(401);
    const login = await loginAttempt(user.email, goodPassword);
    expect(login.statusCode).toBe(401);
    expect(login.json().error.code).toBe('account_inactive');
  });
});

describe('the last active administrator', () => {
  // A database of its own, so exactly one admin exists.
  const solo = useLabApp();

  it('cannot be deactivated nor lose the admin role; with a second admin both work', async () => {
    const only = await solo.user(['admin']);
    const deactivate = await call(solo, 'PATCH', `/api/admin/users/${only.id}`, only.token, {
      active: false,
      reason: 'leaving',
    });
    expect(deactivate.statusCode).toBe(409);
    expect(deactivate.json().error.code).toBe('last_admin');
    const revoke = await call(solo, 'DELETE', `/api/admin/users/${only.id}/roles/admin`, only.token, {
      reason: 'leaving',
    });
    expect(revoke.statusCode).toBe(409);
    expect(revoke.json().error.code).toBe('last_admin');
    const me = await call(solo, 'GET', '/auth/me', only.token);
    expect(me.json()).toMatchObject({ roles: ['admin'] });

    const second = await solo.user(['admin']);
    const revoked = await call(solo, 'DELETE', `/api/admin/users/${only.id}/roles/admin`, second.token, {
      reason: 'handed over',
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().roles).toEqual([]);
    // `second` is now the last admin.
    const last = await call(solo, 'PATCH', `/api/admin/users/${second.id}`, second.token, {
      active: false,
      reason: 'leaving',
    });
    expect(last.statusCode).toBe(409);
    expect(last.json().error.code).toBe('last_admin');
  });
});

describe('the last active administrator under concurrency (PostgreSQL)', () => {
  const race = useLabApp();
  const onServer = process.env.TEST_DB === 'postgres';

  /** Sessions of this database waiting on a lock (row, transaction or advisory). */
  async function waitingOnLocks(): Promise<number> {
    const { rows } = await sql<{ count: number }>`select count(*) as count from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(race.db.kysely);
    return rows[0]?.count ?? 0;
  }

  // Write skew guard: each request locks only its target's row, so without the serialised count both
  // would see two active admins and both commit.
  it.runIf(onServer)('two admins deactivating each other at once leave one of them active', async () => {
    const first = await race.user(['admin']);
    const second = await race.user(['admin']);
    const deactivate = (actor: TestAccount, target: TestAccount) =>
      call(race, 'PATCH', `/api/admin/users/${target.id}`, actor.token, { active: false, reason: 'race' });
    let responses: Promise<Awaited<ReturnType<typeof deactivate>>[]> | undefined;
    // Holding both admins' refresh tokens makes each request stop just after its admin count (at the
    // token revocation), so both counts are taken before either commits: the interleaving a real race
    // needs, every time.
    await race.db.transaction(async (tx) => {
      await tx
        .selectFrom('refresh_tokens')
        .select('id')
        .where('user_id', 'in', [first.id, second.id])
        .forUpdate()
        .execute();
      responses = Promise.all([deactivate(first, second), deactivate(second, first)]);
      const deadline = Date.now() + 3_000;
      while ((await waitingOnLocks()) < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    const statuses = ((await responses) ?? []).map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 409]);
    const admins = await race.db.kysely
      .selectFrom('users as u')
      .innerJoin('user_roles as ur', 'ur.user_id', 'u.id')
      .innerJoin('roles as r', 'r.id', 'ur.role_id')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('r.name', '=', 'admin')
      .where('u.active', '=', true)
      .executeTakeFirst();
    expect(admins?.count).toBe(1);
  });
});

describe('roles', () => {
  it('a granted role applies on the next request with the same token, and a revoked one is gone', async () => {
    const user = await lab.user(['scientist']);
    const audit = () => call(lab, 'GET', '/api/compliance/audit?limit=1', user.token);
    expect((await audit()).statusCode).toBe(403);

    const granted = await asAdmin('POST', `/api/admin/users/${user.id}/roles`, {
      role: 'compliance',
      reason: 'quarterly audit duty',
    });
    expect(granted.statusCode).toBe(200);
    expect(granted.json().roles).toEqual(['compliance', 'scientist']);
    expect((await audit()).statusCode).toBe(200);
    const [grant] = await auditOf(user.id, 'user.role_grant');
    expect(grant).toMatchObject({
      actor_id: admin.id,
      after: { role: 'compliance' },
      reason: 'quarterly audit duty',
    });

    const revoked = await asAdmin('DELETE', `/api/admin/users/${user.id}/roles/compliance`, {
      reason: 'audit duty over',
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().roles).toEqual(['scientist']);
    const after = await audit();
    expect(after.statusCode).toBe(403);
    expect(after.json().error.code).toBe('forbidden');
    const [revoke] = await auditOf(user.id, 'user.role_revoke');
    expect(revoke).toMatchObject({ before: { role: 'compliance' }, after: null, reason: 'audit duty over' });
  });

  it('granting a held role again changes nothing and writes no second entry', async () => {
    const user = await lab.user([]);
    for (let round = 0; round < 2; round += 1) {
      const response = await asAdmin('POST', `/api/admin/users/${user.id}/roles`, { role: 'technician' });
      expect(response.statusCode).toBe(200);
      expect(response.json().roles).toEqual(['technician']);
    }
    expect(await auditOf(user.id, 'user.role_grant')).toHaveLength(1);
  });

  it('answers 404 for an unknown role or one the user does not hold; revoking needs a reason', async () => {
    const user = await lab.user(['scientist']);
    const unknown = await asAdmin('POST', `/api/admin/users/${user.id}/roles`, { role: 'wizard' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('role_not_found');
    const notHeld = await asAdmin('DELETE', `/api/admin/users/${user.id}/roles/technician`, { reason: 'x' });
    expect(notHeld.statusCode).toBe(404);
    expect(notHeld.json().error.code).toBe('role_not_held');
    const noReason = await asAdmin('DELETE', `/api/admin/users/${user.id}/roles/scientist`, {});
    expect(noReason.statusCode).toBe(400);
    expect((await asAdmin('GET', `/api/admin/users/${user.id}`)).json().roles).toEqual(['scientist']);
  });
});

describe('password reset and unlock', () => {
  const newPassword = 'Fresh-Start-2027!';

  it('a reset unlocks the account, sets the new password and ends every existing session', async () => {
    const user = await lab.user(['scientist']);
    const session = await lab.login(user.email);
    await lockOut(user.email);
    // Tokens carry `iat` in whole seconds: the reset must fall in a later second than the login.
    lab.clock.advance(2_000);

    const weak = await asAdmin('POST', `/api/admin/users/${user.id}/password`, {
      password: 'weak',
      reason: 'forgotten',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('weak_password');
    const noReason = await asAdmin('POST', `/api/admin/users/${user.id}/password`, { password: newPassword });
    expect(noReason.statusCode).toBe(400);

    const reset = await asAdmin('POST', `/api/admin/users/${user.id}/password`, {
      password: newPassword,
      reason: 'forgotten password, identity checked in person',
    });
    expect(reset.statusCode).toBe(204);
    const [entry] = await auditOf(user.id, 'user.password_reset');
    expect(entry).toMatchObject({
      actor_id: admin.id,
      reason: 'forgotten password, identity checked in person',
    });
    expect(JSON.stringify(entry)).not.toContain(newPassword);

    for (const token of [user.token, session.access_token]) {
      const me = await call(lab, 'GET', '/auth/me', token);
      expect(me.statusCode).toBe(401);
      expect(me.json().error.code).toBe('session_revoked');
    }
    const refresh = await lab.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      payload: { refresh_token: session.refresh_token },
    });
    expect(refresh.statusCode).toBe(401);

    expect((await loginAttempt(user.email, goodPassword)).statusCode).toBe(401);
    const fresh = await lab.login(user.email, newPassword);
    const me = await call(lab, 'GET', '/auth/me', fresh.access_token);
    expect(me.statusCode).toBe(200);
    expect((await asAdmin('GET', `/api/admin/users/${user.id}`)).json().locked_until).toBeNull();
  });

  it('unlock lifts a lockout with a reason and audits the previous state', async () => {
    const user = await lab.user([]);
    await lockOut(user.email);
    const locked = await asAdmin('GET', `/api/admin/users/${user.id}`);
    expect(locked.json().locked_until).not.toBeNull();

    const noReason = await asAdmin('POST', `/api/admin/users/${user.id}/unlock`, {});
    expect(noReason.statusCode).toBe(400);
    const unlocked = await asAdmin('POST', `/api/admin/users/${user.id}/unlock`, {
      reason: 'called the help desk',
    });
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json().locked_until).toBeNull();
    const [entry] = await auditOf(user.id, 'user.unlock');
    expect(entry).toMatchObject({
      before: { failed_attempts: 5 },
      after: { failed_attempts: 0, locked_until: null },
      reason: 'called the help desk',
    });
    expect((await loginAttempt(user.email, goodPassword)).statusCode).toBe(200);
    // The user's existing session was not ended by an unlock.
    expect((await call(lab, 'GET', '/auth/me', user.token)).statusCode).toBe(200);
  });
});
