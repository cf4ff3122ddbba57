export { bearerToken } from './bearer.ts';
export {
  createJwtVerifier,
  type JwtVerifier,
  type JwtVerifierOptions,
  type VerifiedUser,
} from './jwt-verifier.ts';
export { signUserToken } from './token-issuer.ts';
