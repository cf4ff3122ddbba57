import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './database.ts';

/** The JWT claims PostgreSQL policies read through `auth.uid()` and `auth.role()`. */
export interface RequestClaims {
  sub?: string;
  email?: string;
  role: 'authenticated' | 'anon' | 'service_role';
  [claim: string]: unknown;
}

/** The settings that make the database act as a role with claims (what Supabase's API sets). */
export function claimSettings(claims: RequestClaims): Record<string, string> {
  return { role: claims.role, 'request.jwt.claims': JSON.stringify(claims) };
}

/**
 * Runs `fn` in one transaction as a database role with the given JWT claims, the way Supabase's
 * API does: `role` and `request.jwt.claims` are set transaction-locally in a single round trip, so
 * nothing leaks into the next transaction on a pooled connection.
 */
export function asRole<DB, T>(
  db: Database<DB>,
  claims: RequestClaims,
  fn: (tx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await sql`select set_config('role', ${claims.role}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`.execute(
      tx,
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
export function asUser<DB, T>(
  db: Database<DB>,
  user: { id: string; email?: string | undefined },
  fn: (tx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return asRole(db, userClaims(user), fn);
}

/**
 * An executor acting as a role with claims whose every statement is one round trip (ADR 0003):
 * row-level security as that user on hot paths, without a transaction around it.
 */
export function queryAs<DB>(db: Database<DB>, claims: RequestClaims): Kysely<DB> {
  return db.withSettings(claimSettings(claims));
}
