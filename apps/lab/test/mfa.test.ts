import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../src/modules/mfa/secret-box.ts';
import { hashRecoveryCode, matchCode, newRecoveryCodes, startEnrolment } from '../src/modules/mfa/totp.ts';

describe('TOTP enrolment and codes', () => {
  it('gives an otpauth URI and a PNG QR code', async () => {
    const enrolment = await startEnrolment('ada@lab.test');
    expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\/POLYMORPH-LITE:ada%40lab\.test\?/);
    expect(enrolment.uri).toContain(`secret=${enrolment.secret}`);
    expect(enrolment.qrPng).toMatch(/^data:image\/png;base64,/);
  });

  it('accepts the current code and one step of drift, and refuses others', async () => {
    const { secret } = await startEnrolment('ada@lab.test');
    const authenticator = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
    const now = Date.parse('2026-11-26T12:00:10Z');
    const step = Math.floor(now / 30_000);
    expect(matchCode(secret, authenticator.generate({ timestamp: now }), now)).toBe(step);
    expect(matchCode(secret, authenticator.generate({ timestamp: now - 30_000 }), now)).toBe(step - 1);
    expect(matchCode(secret, authenticator.generate({ timestamp: now - 90_000 }), now)).toBeNull();
    expect(matchCode(secret, '12345', now)).toBeNull();
    expect(matchCode(secret, 'abcdef', now)).toBeNull();
  });

  it('makes ten distinct recovery codes and stores only their hashes', () => {
    const { codes, hashes } = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    expect(codes.every((code) => /^[0-9a-f]{5}-[0-9a-f]{5}$/.test(code))).toBe(true);
    expect(hashes.every((hash, i) => hash === hashRecoveryCode(` ${codes[i]?.toUpperCase()} `))).toBe(true);
    expect(hashes.some((hash) => codes.includes(hash))).toBe(false);
  });
});

describe('secrets at rest', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips for the owner only, and never stores the plaintext', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'user-1');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => box.open(sealed, 'user-2')).toThrow();
    expect(box.seal('same', 'user-1')).not.toBe(box.seal('same', 'user-1'));
  });

  it('refuses a tampered ciphertext and a wrong key', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'user-1');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    expect(() =>
      box.open([parts[0], parts[1], parts[2], body.toString('base64url')].join('.'), 'user-1'),
    ).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'user-1')).toThrow();
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
