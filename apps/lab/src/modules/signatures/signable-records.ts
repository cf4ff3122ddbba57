import type { LabExecutor } from '../../db/lab-database.ts';
import { userView } from '../accounts/index.ts';
import { signableRun } from '../runs/run-records.service.ts';
import { sampleIfAny } from '../samples/samples.service.ts';
import { isUuid } from '../shared/uuid.ts';
import { signableVersion } from '../workflows/workflow-records.service.ts';

/** A record as signed: its canonical id and the content whose change would void a signature. */
export interface SignableRecord {
  id: string;
  content: object;
}

/**
 * Loads a record's signable content as the caller sees it (inside their lab scope), so a record the
 * caller cannot see is simply not found.
 */
export type SignableLoader = (tx: LabExecutor, key: string) => Promise<SignableRecord | undefined>;

/**
 * The record types that can be signed. Each lab record module adds its loader here; the content is
 * hashed canonically, so only meaningful fields belong in it (no timestamps that churn on read).
 */
export const signableRecords: Record<string, SignableLoader> = {
  // An account: signing it attests to who holds which access (e.g. periodic access review).
  user: async (tx, key) => {
    const user = isUuid(key) ? await userView(tx, key) : undefined;
    if (!user) return undefined;
    const { id, email, full_name, active, roles } = user;
    return { id, content: { id, email, full_name, active, roles } };
  },
  // A sample, by uuid or business id: what it is, how much, where, and its state.
  sample: async (tx, key) => {
    const sample = await sampleIfAny(tx, key);
    if (!sample) return undefined;
    const { created_at: _created, updated_at: _updated, ...content } = sample;
    return { id: sample.id, content };
  },
  // A workflow version: the definition (by its hash) an approval locks.
  workflow_version: signableVersion,
  // A run: what it runs (version and configuration snapshot); an approval step signs it.
  run: signableRun,
};
