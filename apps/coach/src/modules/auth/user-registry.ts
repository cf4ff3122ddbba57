import { asRole, type Database } from '@ours/platform/db';
import { upsertAuthUser } from './users.repository.ts';

const maxRemembered = 50_000;

/**
 * Registers users in `auth.users` on first sight (only where this service owns that table), and
 * remembers who it has seen so a busy user costs one write per process, not one per request.
 */
export function createUserRegistry(db: Database, managed: boolean) {
  const seen = new Map<string, string | undefined>();
  return async function ensureUser(id: string, email: string | undefined): Promise<void> {
    if (!managed || (seen.has(id) && seen.get(id) === email)) return;
    await asRole(db, { role: 'service_role' }, (tx) => upsertAuthUser(tx, id, email));
    if (seen.size >= maxRemembered) seen.delete(seen.keys().next().value as string);
    seen.set(id, email);
  };
}
