import type { Executor } from '@ours/platform/db';
import { userView } from '../accounts/users.repository.ts';
import { findSamples } from '../samples/samples.repository.ts';

/** Loads a record's signable content: the fields whose change would void a signature. */
export type SignableLoader = (tx: Executor, id: string) => Promise<object | undefined>;

/**
 * The record types that can be signed. Each lab record module adds its loader here; the content is
 * hashed canonically, so only meaningful fields belong in it (no timestamps that churn on read).
 */
export const signableRecords: Record<string, SignableLoader> = {
  // An account: signing it attests to who holds which access (e.g. periodic access review).
  user: async (tx, id) => {
    const user = await userView(tx, id);
    return (
      user && {
        id: user.id,
        email: user.email,
        full_name: user.full_name,
        active: user.active,
        roles: user.roles,
      }
    );
  },
  // A sample: what it is, how much, where, and its state. Loaded inside the signer's lab scope, so
  // another lab's sample is simply not found.
  sample: async (tx, id) => {
    const [sample] = await findSamples(tx, id);
    if (!sample) return undefined;
    const { created_at: _created, updated_at: _updated, ...content } = sample;
    return content;
  },
};
