import { UnauthorizedError } from '../errors.ts';

/** Extracts the token from an `Authorization: Bearer <token>` header (scheme case-insensitive). */
export function bearerToken(header: string | undefined): string {
  if (!header) throw new UnauthorizedError('missing_token', 'An Authorization: Bearer token is required');
  const match = /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header.trim());
  if (!match?.[1])
    throw new UnauthorizedError('invalid_token', 'The Authorization header must be "Bearer <token>"');
  return match[1];
}
