import { createRemoteJWKSet, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import { VerifiedTokenCache } from './verified-token-cache.ts';

/** A verified caller: identity only ever comes from a verified token. */
export interface VerifiedUser {
  id: string;
  email: string | undefined;
  role: string;
  claims: JWTPayload;
}

export interface JwtVerifierOptions {
  /** Shared HS256 secret (Supabase's legacy JWT secret). */
  hsSecret?: string | undefined;
  /** JWKS endpoint for asymmetric keys (Supabase's signing keys). */
  jwksUrl?: string | undefined;
  audience: string;
  issuer?: string | string[] | undefined;
  /** How long an unknown `kid` waits before the JWKS is fetched again (jose's cooldown). */
  jwksCooldownMs?: number;
  clockToleranceSeconds?: number;
}

export type JwtVerifier = (token: string) => Promise<VerifiedUser>;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const asymmetricAlgorithms = ['RS256', 'ES256', 'EdDSA', 'PS256', 'RS384', 'ES384', 'RS512', 'ES512'];

type KeyOptions = Pick<
  JwtVerifierOptions,
  'hsSecret' | 'jwksUrl' | 'issuer' | 'jwksCooldownMs' | 'clockToleranceSeconds'
>;
type ClaimChecks = { audience?: string | undefined; requiredClaims: string[] };

/**
 * Verifies a token's signature and standard claims with the configured keys: HS256 with the shared
 * secret, asymmetric algorithms with the JWKS. `alg: none` and algorithm confusion are refused
 * because each key type only accepts its own algorithms.
 */
function createSignatureCheck(
  options: KeyOptions,
): (token: string, checks: ClaimChecks) => Promise<JWTPayload> {
  if (!options.hsSecret && !options.jwksUrl) throw new Error('A JWT secret or a JWKS URL is required');
  const secret = options.hsSecret ? new TextEncoder().encode(options.hsSecret) : undefined;
  const jwks = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl), {
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        timeoutDuration: 5_000,
      })
    : undefined;
  return async (token, checks) => {
    const common = {
      ...(checks.audience ? { audience: checks.audience } : {}),
      requiredClaims: checks.requiredClaims,
      clockTolerance: options.clockToleranceSeconds ?? 5,
      ...(options.issuer ? { issuer: options.issuer } : {}),
    };
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new UnauthorizedError('invalid_token', 'The access token is malformed');
    }
    try {
      if (alg === 'HS256' && secret) {
        return (await jwtVerify(token, secret, { ...common, algorithms: ['HS256'] })).payload;
      }
      if (alg && jwks && asymmetricAlgorithms.includes(alg)) {
        return (await jwtVerify(token, jwks, { ...common, algorithms: asymmetricAlgorithms })).payload;
      }
      throw new UnauthorizedError('invalid_token', 'The access token uses an unsupported algorithm');
    } catch (error) {
      throw toUnauthorized(error);
    }
  };
}

/**
 * Builds a local verifier for user tokens: requires `exp`, a uuid `sub` and the audience.
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const check = createSignatureCheck(options);
  const cache = new VerifiedTokenCache<VerifiedUser>();
  return async (token) => {
    const cached = cache.get(token);
    if (cached) return cached;
    const payload = await check(token, { audience: options.audience, requiredClaims: ['exp', 'sub'] });
    if (typeof payload.sub !== 'string' || !uuidPattern.test(payload.sub)) {
      throw new UnauthorizedError('invalid_token', 'The access token subject is not a user id');
    }
    const email =
      typeof payload.email === 'string' && payload.email ? payload.email.toLowerCase() : undefined;
    const role = typeof payload.role === 'string' ? payload.role : 'authenticated';
    const user = { id: payload.sub.toLowerCase(), email, role, claims: payload };
    // `exp` is required by the verification above (jose refuses a token without it).
    if (typeof payload.exp === 'number') cache.set(token, user, payload.exp * 1000);
    return user;
  };
}

/**
 * Verifies service-role tokens (Supabase's service key is such a JWT: `role: service_role`, no
 * `sub`, no audience). Anything else, including a valid user token, is refused with 403. When an
 * issuer is required, `serviceIssuers` are accepted too: a Supabase project's service key says
 * `iss: "supabase"`, not the project's auth URL its user tokens carry, and is signed by the same key.
 */
export function createServiceRoleVerifier(options: KeyOptions, serviceIssuers: string[] = []): JwtVerifier {
  const issuers = typeof options.issuer === 'string' ? [options.issuer, ...serviceIssuers] : options.issuer;
  const check = createSignatureCheck({ ...options, issuer: issuers });
  return async (token) => {
    const payload = await check(token, { requiredClaims: ['exp'] });
    if (payload.role !== 'service_role') {
      throw new ForbiddenError('service_role_required', 'This endpoint needs a service-role token');
    }
    return { id: 'service_role', email: undefined, role: 'service_role', claims: payload };
  };
}

function toUnauthorized(error: unknown): UnauthorizedError {
  if (error instanceof UnauthorizedError) return error;
  if (error instanceof errors.JWTExpired)
    return new UnauthorizedError('token_expired', 'The access token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new UnauthorizedError('invalid_token', `The access token ${error.claim} claim is not valid`);
  }
  return new UnauthorizedError('invalid_token', 'The access token could not be verified');
}
