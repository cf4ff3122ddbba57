export { bearerToken } from './bearer.ts';
export {
  createJwtVerifier,
  createServiceRoleVerifier,
  type JwtVerifier,
  type JwtVerifierOptions,
  type VerifiedUser,
} from './jwt-verifier.ts';
export { signServiceToken, signUserToken } from './token-issuer.ts';
export { VerifiedTokenCache } from './verified-token-cache.ts';
