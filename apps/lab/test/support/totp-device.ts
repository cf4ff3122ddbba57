import { Secret, TOTP } from 'otpauth';

/** An authenticator app for tests: reads the seed from the enrolment URI and makes codes at a time. */
export function totpDevice(otpauthUri: string) {
  const secret = new URL(otpauthUri).searchParams.get('secret');
  if (!secret) throw new Error('the enrolment URI has no secret');
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  return { code: (at: Date) => totp.generate({ timestamp: at.getTime() }) };
}
