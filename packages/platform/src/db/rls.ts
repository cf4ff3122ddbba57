import { sql } from 'drizzle-orm';
import type { Database, Executor } from './database.ts';

/** The JWT claims PostgreSQL policies read through `auth.uid()` and `auth.role()`. */
export interface RequestClaims {
  sub?: string;
  email?: string;
  role: 'authenticated' | 'anon' | 'service_role';
  [claim: string]: unknown;
}

/**
 * Runs `fn` in one transaction as a database role with the given JWT claims, the way Supabase's
 * API does: `role` and `request.jwt.claims` are set transaction-locally in a single round trip, so
 * nothing leaks into the next transaction on a pooled connection.
 */
export function asRole<T>(db: Database, claims: RequestClaims, fn: (tx: Executor) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('role', ${claims.role}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`,
    );
    return fn(tx);
  });
}

/** The claims of a signed-in user, as Supabase's API would set them. */
export function userClaims(user: { id: string; email?: string | undefined }): RequestClaims {
  const claims: RequestClaims = { sub: user.id, role: 'authenticated' };
  if (user.email) claims.email = user.email;
  return claims;
}

/** Runs `fn` as the signed-in user: row-level security limits it to that user's rows. */
export function asUser<T>(
  db: Database,
  user: { id: string; email?: string | undefined },
  fn: (tx: Executor) => Promise<T>,
): Promise<T> {
  return asRole(db, userClaims(user), fn);
}
