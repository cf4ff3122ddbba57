import type { LabExecutor } from '../../db/lab-database.ts';

/**
 * Records that a one-time default is being applied; false when it was already (by this instance
 * before, or by another one now: a concurrent claim waits for the first to commit, then finds it).
 */
export async function claimDefault(tx: LabExecutor, name: string, at: Date): Promise<boolean> {
  const rows = await tx
    .insertInto('applied_defaults')
    .values({ name, applied_at: at.toISOString() })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .returning('name')
    .execute();
  return rows.length > 0;
}
