import { asRole, type Database } from '@ours/platform/db';
import { upsertAuthUser } from './users.repository.ts';

const maxRemembered = 50_000;
// Another instance may erase a user (DELETE /me); after this long the next request re-registers them.
const rememberForMs = 60_000;

/**
 * Registers users in `auth.users` on first sight (only where this service owns that table), and
 * remembers who it has seen so a busy user costs one write per process, not one per request.
 */
export function createUserRegistry(db: Database, managed: boolean): UserRegistry {
  const seen = new Map<string, { email: string | undefined; until: number }>();
  return {
    async ensure(id, email) {
      if (!managed) return;
      const known = seen.get(id);
      if (known && known.email === email && known.until > Date.now()) return;
      await asRole(db, { role: 'service_role' }, (tx) => upsertAuthUser(tx, id, email));
      seen.delete(id);
      if (seen.size >= maxRemembered) seen.delete(seen.keys().next().value as string);
      seen.set(id, { email, until: Date.now() + rememberForMs });
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
