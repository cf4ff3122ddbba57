import { asRole } from '@ours/platform/db';
import type { CoachDatabase } from '../../db/coach-database.ts';
import { serviceRole } from '../shared/service-role.ts';
import { upsertAuthUser } from './users.repository.ts';

const maxRemembered = 50_000;
// Another instance may erase a user (DELETE /me); after this long the next request re-registers them.
const rememberForMs = 60_000;

/**
 * Registers users in `auth.users` on first sight (only where this service owns that table), and
 * remembers who it has seen so a busy user costs one write per process, not one per request.
 */
export function createUserRegistry(db: CoachDatabase, managed: boolean): UserRegistry {
  const seen = new Map<string, { email: string | undefined; until: number }>();
  return {
    async ensure(id, email) {
      if (!managed) return;
      const known = seen.get(id);
      if (known && known.email === email && known.until > Date.now()) return;
      await asRole(db, serviceRole, (tx) => upsertAuthUser(tx, id, email));
      seen.delete(id);
      const oldest = seen.keys().next();
      if (seen.size >= maxRemembered && !oldest.done) seen.delete(oldest.value);
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
