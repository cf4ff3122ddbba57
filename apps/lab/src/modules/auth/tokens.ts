import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { VerifiedTokenCache } from '@ours/platform/auth';
import { UnauthorizedError } from '@ours/platform/errors';
import { errors, jwtVerify, SignJWT } from 'jose';
import { isUuid } from '../shared/uuid.ts';

const issuer = 'polymorph-lite';
const accessAudience = 'polymorph-lite:access';
const mfaAudience = 'polymorph-lite:mfa';
/** The pending second step of a login is short-lived: a code must follow within five minutes. */
const mfaTokenSeconds = 300;

export interface AccessClaims {
  sub: string;
  email: string;
  roles: string[];
  amr: string[];
  jti: string;
  iat: number;
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /** Issue time in milliseconds: `iat` is whole seconds, too coarse to tell a token issued just
   * before a revocation from one issued just after it in the same second. */
  iat_ms: number;
  /** The user's session epoch when issued; absent on tokens from before epochs existed. */
  sep?: number | undefined;
  /**
   * The session this token belongs to: the id of the refresh token issued with it. Ending the
   * session (logout, a detected reuse) revokes every refresh token of its login's family, this one
   * included, and so this access token on its next request. Absent on tokens from before sessions
   * were checked; those live out their 15 minutes.
   */
  rti?: string | undefined;
}

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/** A 15-minute access token: sub, email, roles, amr (how the user proved who they are), jti, session. */
export async function signAccessToken(
  secret: string,
  user: { id: string; email: string; roles: string[]; session_epoch: number },
  session: { amr: string[]; refreshTokenId: string },
  expiresInSeconds: number,
  now: Date,
): Promise<string> {
  return new SignJWT({
    email: user.email,
    roles: user.roles,
    amr: session.amr,
    iat_ms: now.getTime(),
    sep: user.session_epoch,
    rti: session.refreshTokenId,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(accessAudience)
    .setSubject(user.id)
    .setJti(randomUUID())
    .setIssuedAt(seconds(now))
    .setExpirationTime(seconds(now) + expiresInSeconds)
    .sign(keyOf(secret));
}

// Tokens follow the service clock (tests move it), not the wall clock jose would read.
const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

async function verifyWith(secret: string, token: string, audience: string, what: string, now: Date) {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      issuer,
      audience,
      algorithms: ['HS256'],
      currentDate: now,
      requiredClaims: ['sub', 'jti', 'iat', 'exp'],
    });
    return payload;
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      throw new UnauthorizedError('token_expired', `The ${what} has expired`);
    throw new UnauthorizedError('invalid_token', `The ${what} is not valid`);
  }
}

/**
 * A verifier for access tokens signed with `secret` that remembers verified tokens until they expire
 * (at most a minute): the HMAC check through WebCrypto was an eighth of a list request's CPU. Expiry
 * still follows `now`; revocation (sessions too) and roles are checked per request by the caller, so
 * a remembered token of an ended session is refused all the same.
 */
export function accessTokenVerifier(secret: string): (token: string, now: Date) => Promise<AccessClaims> {
  const cache = new VerifiedTokenCache<AccessClaims>();
  return async (token, now) => {
    const cached = cache.get(token, now.getTime());
    if (cached) return cached;
    const claims = await verifyAccessToken(secret, token, now);
    cache.set(token, claims, claims.exp * 1000, now.getTime());
    return claims;
  };
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Verifies an access token's signature, issuer, audience and expiry, and returns its claims. */
export async function verifyAccessToken(secret: string, token: string, now: Date): Promise<AccessClaims> {
  const { sub, email, roles, amr, jti, iat, exp, iat_ms, sep, rti } = await verifyWith(
    secret,
    token,
    accessAudience,
    'access token',
    now,
  );
  // Only this server signs these, but a claim of the wrong shape is refused rather than trusted.
  if (
    !isString(sub) ||
    !isString(email) ||
    !isStringArray(roles) ||
    !isStringArray(amr) ||
    !isString(jti) ||
    !isNumber(iat) ||
    !isNumber(exp) ||
    (iat_ms !== undefined && !isNumber(iat_ms)) ||
    (sep !== undefined && !isNumber(sep)) ||
    (rti !== undefined && !(isString(rti) && isUuid(rti)))
  ) {
    throw new UnauthorizedError('invalid_token', 'The access token is not valid');
  }
  // Tokens signed before `iat_ms` existed (they expire within 15 minutes of an upgrade) count from
  // the start of their second, so a deploy does not sign everybody out; likewise tokens without a
  // session (`rti`) are checked by epoch and issue time alone.
  return { sub, email, roles, amr, jti, iat, exp, iat_ms: iat_ms ?? iat * 1000, sep, rti };
}

/** The token that carries a password-verified login to its second (TOTP) step. */
export function signMfaToken(secret: string, userId: string, now: Date): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(mfaAudience)
    .setSubject(userId)
    .setJti(randomUUID())
    .setIssuedAt(seconds(now))
    .setExpirationTime(seconds(now) + mfaTokenSeconds)
    .sign(keyOf(secret));
}

export async function verifyMfaToken(
  secret: string,
  token: string,
  now: Date,
): Promise<{ userId: string; iat: number }> {
  const payload = await verifyWith(secret, token, mfaAudience, 'MFA token', now);
  return { userId: String(payload.sub), iat: Number(payload.iat) };
}

/** A new opaque refresh token (256 random bits) and the hash that is stored in its place. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
