import { type Kysely, sql, type Transaction } from 'kysely';
import type { TransactionOptions } from './database.ts';

/** Work that must follow a commit: given the pool the transaction ran on, to start its own. */
// biome-ignore lint/suspicious/noExplicitAny: a hook serves transactions of any schema
export type AfterCommit = (pool: Kysely<any>) => Promise<void>;

// biome-ignore lint/suspicious/noExplicitAny: keyed by transactions of any schema
const afterCommitHooks = new WeakMap<Kysely<any>, AfterCommit[]>();

/**
 * Runs `hook` once `tx` has committed, before the transaction's caller gets its result: the caller
 * hears of success only after the hook has finished (a rejected hook rejects the caller, although
 * the transaction stays committed). Nothing runs when the transaction rolls back. Throws for an
 * executor that is not an open transaction started by `runTransaction`.
 */
// biome-ignore lint/suspicious/noExplicitAny: any schema's transaction
export function afterCommit(tx: Kysely<any>, hook: AfterCommit): void {
  const hooks = afterCommitHooks.get(tx);
  if (!hooks) throw new Error('afterCommit needs an open transaction (db.transaction)');
  hooks.push(hook);
}

/**
 * Runs `fn` in one Kysely transaction. Isolation and access mode are set by the transaction's first
 * statement rather than at BEGIN, because the PGlite driver ignores BEGIN's settings: one way for
 * both engines.
 */
export async function runTransaction<DB, T>(
  kysely: Kysely<DB>,
  fn: (tx: Transaction<DB>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const modes = [
    ...(options.isolation ? [`isolation level ${options.isolation}`] : []),
    ...(options.readOnly ? ['read only'] : []),
  ];
  const hooks: AfterCommit[] = [];
  const result = await kysely.transaction().execute(async (tx) => {
    afterCommitHooks.set(tx, hooks);
    if (modes.length > 0) await sql.raw(`set transaction ${modes.join(', ')}`).execute(tx);
    return fn(tx);
  });
  for (const hook of hooks) await hook(kysely);
  return result;
}
