import { type Kysely, sql, type Transaction } from 'kysely';
import type { TransactionOptions } from './database.ts';

/**
 * Runs `fn` in one Kysely transaction. Isolation and access mode are set by the transaction's first
 * statement rather than at BEGIN, because the PGlite driver ignores BEGIN's settings: one way for
 * both engines.
 */
export function runTransaction<DB, T>(
  kysely: Kysely<DB>,
  fn: (tx: Transaction<DB>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const modes = [
    ...(options.isolation ? [`isolation level ${options.isolation}`] : []),
    ...(options.readOnly ? ['read only'] : []),
  ];
  return kysely.transaction().execute(async (tx) => {
    if (modes.length > 0) await sql.raw(`set transaction ${modes.join(', ')}`).execute(tx);
    return fn(tx);
  });
}
