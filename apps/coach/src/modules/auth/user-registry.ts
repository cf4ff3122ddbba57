import { asRole, type Database } from '@ours/platform/db';
import { upsertAuthUser } from './users.repository.ts';

const maxRemembered = 50_000;

/**
 * Registers users in `auth.users` on first sight (only where this service owns that table), and
 * remembers who it has seen so a busy user costs one write per process, not one per request.
 */
export function createUserRegistry(db: Database, managed: boolean): UserRegistry {
  const seen = new Map<string, string | undefined>();
  return {
    async ensure(id, email) {
      if (!managed || (seen.has(id) && seen.get(id) === email)) return;
      await asRole(db, { role: 'service_role' }, (tx) => upsertAuthUser(tx, id, email));
      if (seen.size >= maxRemembered) seen.delete(seen.keys().next().value as string);
      seen.set(id, email);
    },
    forget(id) {
      seen.delete(id);
    },
  };
}

export interface UserRegistry {
  ensure(id: string, email: string | undefined): Promise<void>;
  /** After an erasure: the next request registers the user afresh. */
  forget(id: string): void;
}
