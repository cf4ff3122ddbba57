/** The auth module as other modules see it: everything else in this folder is its own. */
export { reauthenticate } from './reauthenticate.ts';
export { type AccessClaims, accessTokenVerifier } from './tokens.ts';
