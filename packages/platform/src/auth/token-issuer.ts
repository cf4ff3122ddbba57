import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

/** Signs an HS256 user token shaped like Supabase's (for local use and tests). */
export async function signUserToken(
  secret: string,
  user: { id: string; email?: string | undefined },
  options: { audience?: string; expiresInSeconds?: number; role?: string } = {},
): Promise<string> {
  const claims: Record<string, unknown> = { role: options.role ?? 'authenticated' };
  if (user.email) claims.email = user.email;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setAudience(options.audience ?? 'authenticated')
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(`${options.expiresInSeconds ?? 3600}s`)
    .sign(new TextEncoder().encode(secret));
}

/** Signs an HS256 service-role token shaped like Supabase's service key (for local admin use). */
export async function signServiceToken(
  secret: string,
  options: { issuer: string; expiresInSeconds?: number },
): Promise<string> {
  return new SignJWT({ role: 'service_role', iss: options.issuer })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(`${options.expiresInSeconds ?? 3600}s`)
    .sign(new TextEncoder().encode(secret));
}
