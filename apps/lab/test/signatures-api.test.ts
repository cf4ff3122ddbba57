import { createHash, randomUUID, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, goodPassword, type TestAccount, useLabApp } from './support/lab-app.ts';
import { asSuperuser } from './support/superuser.ts';
import { totpDevice } from './support/totp-device.ts';

const lab = useLabApp();
const totpStep = 30_000;
let admin: TestAccount;

beforeAll(async () => {
  admin = await lab.user(['admin']);
});

interface Signature {
  id: string;
  record_type: string;
  record_id: string;
  signer_id: string;
  printed_name: string;
  meaning: string;
  reason: string | null;
  signed_at: string;
  record_hash: string;
  key_id: string;
  algorithm: string;
  signature: string;
}

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: object) =>
  lab.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

const sign = (signer: TestAccount, overrides: Record<string, unknown> = {}) =>
  api('POST', '/api/signatures', signer.token, {
    record_type: 'user',
    record_id: admin.id,
    meaning: 'reviewed',
    reason: 'periodic access review',
    password: signer.password,
    ...overrides,
  });

async function signed(signer: TestAccount, overrides: Record<string, unknown> = {}): Promise<Signature> {
  const response = await sign(signer, overrides);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const verification = async (id: string, token: string) => {
  const response = await api('GET', `/api/signatures/${id}/verify`, token);
  expect(response.statusCode).toBe(200);
  return response.json();
};

describe('signing a record', () => {
  it("binds the signer's printed name, the meaning, the time and the record's hash, with the server key", async () => {
    const scientist = await lab.user(['scientist'], { full_name: 'Marie Curie' });
    const subject = await lab.user(['technician'], { full_name: 'Pierre Subject' });
    const signature = await signed(scientist, { record_id: subject.id, meaning: 'approved' });
    expect(signature).toMatchObject({
      record_type: 'user',
      record_id: subject.id,
      signer_id: scientist.id,
      printed_name: 'Marie Curie',
      meaning: 'approved',
      reason: 'periodic access review',
      algorithm: 'Ed25519',
    });
    expect(Math.abs(new Date(signature.signed_at).getTime() - lab.clock.now().getTime())).toBeLessThan(5_000);
    // The hash is of the record's signable content (canonical JSON), not of anything volatile.
    const content = {
      id: subject.id,
      email: subject.email,
      full_name: 'Pierre Subject',
      active: true,
      roles: ['technician'],
    };
    const expectedHash = createHash('sha256')
      .update(canonicalize(content) as string)
      .digest('hex');
    expect(signature.record_hash).toBe(expectedHash);

    const keys = await lab.app.inject({ method: 'GET', url: '/api/compliance/keys' });
    expect(keys.statusCode).toBe(200);
    expect(keys.json().current_key_id).toBe(signature.key_id);
    const key = keys.json().keys.find((k: { key_id: string }) => k.key_id === signature.key_id);
    expect(key).toMatchObject({ algorithm: 'Ed25519' });
    expect(key.public_key_pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n?$/);

    // Anyone can check it independently with the public key.
    const manifest = {
      signer_id: signature.signer_id,
      printed_name: signature.printed_name,
      meaning: signature.meaning,
      signed_at: new Date(signature.signed_at).toISOString(),
      record_type: signature.record_type,
      record_id: signature.record_id,
      record_hash: signature.record_hash,
      reason: signature.reason,
    };
    const bytes = Buffer.from(canonicalize(manifest) as string, 'utf8');
    const raw = Buffer.from(signature.signature, 'base64url');
    expect(verify(null, bytes, key.public_key_pem, raw)).toBe(true);
    const forged = Buffer.from(canonicalize({ ...manifest, meaning: 'authored' }) as string, 'utf8');
    expect(verify(null, forged, key.public_key_pem, raw)).toBe(false);
  });

  it('appends a signature.create audit entry with the reason', async () => {
    const scientist = await lab.user(['scientist']);
    const signature = await signed(scientist, { reason: 'annual review 2027' });
    const entries = await lab.db.kysely
      .selectFrom('audit_entries')
      .select(['actor_id', 'entity_type', 'entity_id', 'after', 'reason'])
      .where('action', '=', 'signature.create')
      .where(sql<string>`after->>'signature_id'`, '=', signature.id)
      .execute();
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({
      actor_id: scientist.id,
      entity_type: 'user',
      entity_id: admin.id,
      reason: 'annual review 2027',
      after: { meaning: 'reviewed', record_hash: signature.record_hash, key_id: signature.key_id },
    });
  });

  it('lists the signatures of a record, oldest first, and shows them on the user', async () => {
    const scientist = await lab.user(['scientist'], { full_name: 'Rosalind Franklin' });
    const subject = await lab.user([]);
    const first = await signed(scientist, { record_id: subject.id, meaning: 'authored' });
    lab.clock.advance(1_000);
    const second = await signed(scientist, { record_id: subject.id, meaning: 'approved' });

    const listed = await api(
      'GET',
      `/api/signatures?record_type=user&record_id=${subject.id}`,
      scientist.token,
    );
    expect(listed.statusCode).toBe(200);
    expect(listed.json().map((s: Signature) => s.id)).toEqual([first.id, second.id]);

    const other = await api(
      'GET',
      `/api/signatures?record_type=user&record_id=${randomUUID()}`,
      scientist.token,
    );
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('record_not_found');

    const shown = await api('GET', `/api/admin/users/${subject.id}`, admin.token);
    expect(shown.json().signatures).toEqual([
      expect.objectContaining({
        id: first.id,
        printed_name: 'Rosalind Franklin',
        meaning: 'authored',
        signed_at: first.signed_at,
      }),
      expect.objectContaining({
        id: second.id,
        printed_name: 'Rosalind Franklin',
        meaning: 'approved',
        signed_at: second.signed_at,
      }),
    ]);
  });

  it('answers 400 for an unknown record type or meaning, and 404 for a missing record', async () => {
    const scientist = await lab.user(['scientist']);
    const unknownType = await sign(scientist, { record_type: 'spaceship' });
    expect(unknownType.statusCode).toBe(400);
    expect(unknownType.json().error.code).toBe('unknown_record_type');
    const badMeaning = await sign(scientist, { meaning: 'liked' });
    expect(badMeaning.statusCode).toBe(400);
    expect(badMeaning.json().error.code).toBe('validation_failed');
    const noReason = await sign(scientist, { reason: '' });
    expect(noReason.statusCode).toBe(400);
    const missing = await sign(scientist, { record_id: randomUUID() });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('record_not_found');
  });

  // The `user` loader must check the id's shape before its uuid cast, or the cast error surfaces as 400.
  it('answers 404 record_not_found for a user record id that is not a uuid', async () => {
    const scientist = await lab.user(['scientist']);
    const response = await sign(scientist, { record_id: 'not-a-user-id' });
    expect(response.json().error.code).toBe('record_not_found');
    expect(response.statusCode).toBe(404);
  });

  it('needs signatures:create: compliance may read signatures but not sign', async () => {
    const auditor = await lab.user(['compliance']);
    const response = await sign(auditor);
    expect(response.statusCode).toBe(403);
    const listed = await api('GET', `/api/signatures?record_type=user&record_id=${admin.id}`, auditor.token);
    expect(listed.statusCode).toBe(200);
  });
});

describe('re-authentication when signing', () => {
  it('refuses a wrong password with 401, and the fifth wrong one locks the account (423), login too', async () => {
    const scientist = await lab.user(['scientist']);
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const wrong = await sign(scientist, { password: `Wrong-password-${attempt}!` });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.code).toBe('invalid_credentials');
    }
    const fifth = await sign(scientist, { password: 'Wrong-password-5!' });
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error.code).toBe('account_locked');
    // Locked: the right password is refused for signing and for login alike.
    const right = await sign(scientist);
    expect(right.statusCode).toBe(423);
    const login = await lab.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: scientist.email, password: goodPassword },
    });
    expect(login.statusCode).toBe(423);
    expect(login.json().error.code).toBe('account_locked');
    const listed = await api('GET', `/api/signatures?record_type=user&record_id=${admin.id}`, admin.token);
    expect(listed.json().map((s: Signature) => s.signer_id)).not.toContain(scientist.id);
  });

  it('with MFA on, needs the current TOTP code (once per time step)', async () => {
    const scientist = await lab.user(['scientist']);
    const enrol = await api('POST', '/auth/mfa/enrol', scientist.token, { password: scientist.password });
    expect(enrol.statusCode).toBe(200);
    const device = totpDevice(enrol.json().otpauth_uri);
    const confirm = await api('POST', '/auth/mfa/confirm', scientist.token, {
      code: device.code(lab.clock.now()),
    });
    expect(confirm.statusCode).toBe(200);
    lab.clock.advance(totpStep);

    const withoutCode = await sign(scientist);
    expect(withoutCode.statusCode).toBe(400);
    expect(withoutCode.json().error.code).toBe('mfa_code_required');
    // A code that matches none of the steps the server accepts (now, and one either side).
    const near = [-totpStep, 0, totpStep].map((ms) => device.code(new Date(lab.clock.now().getTime() + ms)));
    const wrong = ['000000', '111111', '222222', '333333'].find((candidate) => !near.includes(candidate));
    const wrongCode = await sign(scientist, { totp: wrong });
    expect(wrongCode.statusCode).toBe(401);
    expect(wrongCode.json().error.code).toBe('invalid_credentials');

    const code = device.code(lab.clock.now());
    const withCode = await sign(scientist, { totp: code });
    expect(withCode.statusCode).toBe(201);
    const replay = await sign(scientist, { totp: code });
    expect(replay.statusCode).toBe(401);
    lab.clock.advance(totpStep);
    expect((await sign(scientist, { totp: device.code(lab.clock.now()) })).statusCode).toBe(201);
  });
});

describe('verifying a signature', () => {
  it('is valid on an unchanged record, and reports a changed record while the signature stays genuine', async () => {
    const scientist = await lab.user(['scientist']);
    const subject = await lab.user([], { full_name: 'Before Rename' });
    const signature = await signed(scientist, { record_id: subject.id });
    expect(await verification(signature.id, scientist.token)).toMatchObject({
      signature: { id: signature.id },
      signature_valid: true,
      record_unchanged: true,
    });

    const renamed = await api('PATCH', `/api/admin/users/${subject.id}`, admin.token, {
      full_name: 'After Rename',
      reason: 'typo in the name',
    });
    expect(renamed.statusCode).toBe(200);
    expect(await verification(signature.id, scientist.token)).toMatchObject({
      signature_valid: true,
      record_unchanged: false,
    });
  });

  it('finds a stored signature edited behind the API (as a superuser)', async () => {
    const scientist = await lab.user(['scientist']);
    const signature = await signed(scientist, { meaning: 'reviewed' });
    await asSuperuser(
      lab.db,
      `ALTER TABLE signatures DISABLE TRIGGER USER;
       UPDATE signatures SET meaning = 'approved' WHERE id = '${signature.id}';
       ALTER TABLE signatures ENABLE TRIGGER USER`,
    );
    const result = await verification(signature.id, scientist.token);
    expect(result.signature.meaning).toBe('approved');
    expect(result.signature_valid).toBe(false);
  });

  it('answers 404 for an unknown signature and 400 for a non-uuid id', async () => {
    const scientist = await lab.user(['scientist']);
    const unknown = await api('GET', `/api/signatures/${randomUUID()}/verify`, scientist.token);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('signature_not_found');
    expect((await api('GET', '/api/signatures/nope/verify', scientist.token)).statusCode).toBe(400);
  });
});

describe('stored signatures are append-only for the runtime role', () => {
  it('refuses to update or delete a signature as lab_app', async () => {
    const scientist = await lab.user(['scientist']);
    const signature = await signed(scientist);
    for (const statement of [
      sql`update signatures set meaning = 'approved' where id = ${signature.id}`,
      sql`delete from signatures where id = ${signature.id}`,
    ]) {
      await expect(lab.db.transaction((tx) => statement.execute(tx))).rejects.toThrow();
    }
    expect((await verification(signature.id, scientist.token)).signature.meaning).toBe('reviewed');
  });
});

describe('public keys', () => {
  it('are listed without a token', async () => {
    const response = await lab.app.inject({ method: 'GET', url: '/api/compliance/keys' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.current_key_id).toBe(lab.ctx.signingKeyId);
    expect(body.current_key_id).toMatch(/^[0-9a-f]{16}$/);
    expect(body.keys.map((key: { key_id: string }) => key.key_id)).toContain(body.current_key_id);
  });
});
