import { createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envToConfig } from '../src/config.ts';
import { ensureAdmin } from '../src/modules/accounts/setup.service.ts';
import {
  algorithmOf,
  generateSigningKey,
  manifestSignatureValid,
  signManifest,
} from '../src/modules/audit/manifest-signer.ts';
import { resolveServerKeys } from '../src/server-keys.ts';
import { goodPassword, useLabApp } from './support/lab-app.ts';

const lab = useLabApp();
const cli = { actor_id: null, actor_email: 'system:cli', request_id: null, client_ip: null };
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('create-admin', () => {
  it('creates the administrator once; running it again changes nothing', async () => {
    const input = { email: 'Ops@Lab.test', full_name: 'Ops Admin', password: goodPassword };
    const first = await ensureAdmin(lab.ctx, input, cli);
    expect(first).toMatchObject({ created: true, user: { email: 'ops@lab.test', roles: ['admin'] } });
    const second = await ensureAdmin(lab.ctx, { ...input, password: 'Another-pass-99!' }, cli);
    expect(second).toMatchObject({ created: false, user: { id: first.user.id, roles: ['admin'] } });
    // The password is unchanged by the second run.
    expect((await lab.login('ops@lab.test', goodPassword)).access_token).toBeTruthy();
    const row = await lab.db.kysely
      .selectFrom('audit_entries')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('entity_id', '=', first.user.id)
      .where('action', 'like', 'user.%')
      .executeTakeFirst();
    expect(row?.count).toBe(1);
  });

  it('makes an existing account an admin, audited', async () => {
    const user = await lab.user(['technician']);
    const result = await ensureAdmin(
      lab.ctx,
      { email: user.email, full_name: 'x', password: goodPassword },
      cli,
    );
    expect(result.user.roles).toEqual(['admin', 'technician']);
  });

  it('refuses a weak password', async () => {
    await expect(
      ensureAdmin(lab.ctx, { email: 'weak@lab.test', full_name: 'Weak', password: 'password' }, cli),
    ).rejects.toMatchObject({ code: 'weak_password' });
  });
});

describe('server keys', () => {
  it('are generated once into the embedded data directory, owner-only, and reused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-keys-'));
    dirs.push(dir);
    const config = envToConfig({ LAB_DATA_DIR: dir });
    const first = await resolveServerKeys(config);
    const second = await resolveServerKeys(config);
    expect(second).toEqual(first);
    expect(first.secretKey).toHaveLength(32);
    expect(algorithmOf(createPublicKey(first.signingKeyPem))).toBe('Ed25519');
    for (const file of ['jwt-secret', 'secret-key', 'signing-key.pem']) {
      expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);
    }
    expect(await readFile(join(dir, 'jwt-secret'), 'utf8')).toContain(first.jwtSecret);
  });

  it('must come from the environment when a real database is configured', async () => {
    const config = envToConfig({ DATABASE_URL: 'postgres://lab_app@127.0.0.1/lab' });
    await expect(resolveServerKeys(config)).rejects.toThrow(/LAB_JWT_SECRET is required/);
    expect(() => envToConfig({ LAB_SECRET_KEY: 'dG9vIHNob3J0' })).toThrow(/LAB_SECRET_KEY must be 32 bytes/);
  });

  it('can be RSA-PSS for sites that require RSA', () => {
    const { privateKeyPem, publicKeyPem } = generateSigningKey('RSA-PSS');
    const signed = signManifest(privateKeyPem, { seq: 1, head_hash: 'a'.repeat(64) });
    expect(signed.algorithm).toBe('RSA-PSS');
    expect(manifestSignatureValid(signed, [publicKeyPem])).toBe(true);
    expect(
      manifestSignatureValid({ ...signed, manifest: { seq: 2, head_hash: 'a'.repeat(64) } }, [publicKeyPem]),
    ).toBe(false);
    expect(manifestSignatureValid({ ...signed, algorithm: 'Ed25519' }, [publicKeyPem])).toBe(false);
  });
});
