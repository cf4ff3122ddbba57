import { sql } from 'kysely';
import type { LabExecutor } from '../../db/lab-database.ts';

/** The current password's hash first, then earlier ones: what a new password may not repeat. */
export async function recentPasswordHashes(tx: LabExecutor, id: string, depth: number): Promise<string[]> {
  const rows = await tx
    .selectFrom('password_history')
    .select('password_hash')
    .where('user_id', '=', id)
    .orderBy('created_at', 'desc')
    .limit(depth)
    .execute();
  return rows.map((row) => row.password_hash);
}

/**
 * Replaces the password, records it in the history (keeping only what the reuse check reads), and
 * clears any lock. The caller ends the sessions (`endSessions`).
 */
export async function replacePassword(tx: LabExecutor, id: string, hash: string, depth: number, now: Date) {
  const at = now.toISOString();
  await tx
    .with('updated', (db) =>
      db
        .updateTable('users')
        .set({
          password_hash: hash,
          password_changed_at: at,
          failed_attempts: 0,
          locked_until: null,
          updated_at: at,
        })
        .where('id', '=', id)
        .returning('id'),
    )
    .insertInto('password_history')
    .columns(['user_id', 'password_hash'])
    .expression((eb) => eb.selectFrom('updated').select(['id', eb.val(hash).as('password_hash')]))
    .execute();
  // The history has no key of its own: rows beyond the newest `depth` go by their physical address.
  await tx
    .deleteFrom('password_history')
    .where('user_id', '=', id)
    .where(sql<string>`ctid`, 'not in', (eb) =>
      eb
        .selectFrom('password_history')
        .select(sql<string>`ctid`.as('ctid'))
        .where('user_id', '=', id)
        .orderBy('created_at', 'desc')
        .limit(depth),
    )
    .execute();
}
