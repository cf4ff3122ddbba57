import { hash, verify } from '@node-rs/argon2';

/** How many previous passwords a new one may not repeat. */
export const passwordHistoryDepth = 5;

/** argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's recommended minimum). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Constant-time check of a password against a stored argon2 hash; a malformed hash is a mismatch. */
export async function passwordMatches(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** Whether the password repeats one of the most recent hashes (current one first). */
export async function isReused(password: string, recentHashes: string[]): Promise<boolean> {
  const checks = await Promise.all(
    recentHashes.slice(0, passwordHistoryDepth).map((stored) => passwordMatches(stored, password)),
  );
  return checks.some(Boolean);
}
