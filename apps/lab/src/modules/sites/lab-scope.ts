import { ForbiddenError, ValidationError } from '@ours/platform/errors';
import type { Transaction } from 'kysely';
import type { LabDatabase, LabExecutor, LabSchema } from '../../db/lab-database.ts';
import { labIdsSetting, setLabScope } from './lab-scope.repository.ts';

/** The lab every new database starts with (created by the sites migration). */
export const defaultLabId = '00000000-0000-4000-8000-000000000001';
/** The organization created with the database (its id happens to equal the default lab's). */
export const defaultOrganizationId = '00000000-0000-4000-8000-000000000001';

/**
 * An executor limited to the caller's labs whose every statement is one round trip instead of four
 * (BEGIN, scope, query, COMMIT): for hot read paths such as list pages and one-record reads.
 */
export function readInLabs(db: LabDatabase, labIds: readonly string[]): LabExecutor {
  return db.withSettings({ 'app.lab_ids': labIdsSetting(labIds) });
}

/**
 * `readInLabs` for keyset pages that have an index in their order: sorting is off for the statement
 * (`enable_sort`, transaction-local like the scope), so the planner walks an index in the page's
 * order even when stale statistics (a bulk import autovacuum has not caught up with) make a sort of
 * "a few rows" look cheaper: those few rows can be a whole lab. A statement with no ordered path
 * still sorts (every plan then pays the same penalty), so it stays correct, only unsteered.
 */
export function sortlessReadInLabs(db: LabDatabase, labIds: readonly string[]): LabExecutor {
  return db.withSettings({ 'app.lab_ids': labIdsSetting(labIds), enable_sort: 'off' });
}

/**
 * One-statement writes limited to these labs, each one round trip, committed without waiting for the
 * disk flush: for live progress that is not a record (a crash may lose the last few; the next
 * flushed commit writes them too, in order).
 */
export function progressInLabs(db: LabDatabase, labIds: readonly string[]): LabExecutor {
  return db.withSettings({ 'app.lab_ids': labIdsSetting(labIds), synchronous_commit: 'off' });
}

/**
 * Runs `fn` in one transaction limited to the caller's labs: every lab-owned table answers only for
 * those (row-level security), whatever the query says.
 */
export function inLabs<T>(
  db: LabDatabase,
  labIds: readonly string[],
  fn: (tx: Transaction<LabSchema>) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await setLabScope(tx, labIds);
    return fn(tx);
  });
}

/**
 * The lab a new record goes to: the one asked for (which must be one of the caller's), or the
 * caller's only lab when they have exactly one.
 */
export function targetLab(callerLabIds: readonly string[], requested: string | undefined): string {
  if (requested !== undefined) {
    if (!callerLabIds.includes(requested)) {
      throw new ForbiddenError('lab_forbidden', 'You are not a member of that lab');
    }
    return requested;
  }
  const [only, ...others] = callerLabIds;
  if (only === undefined) throw new ForbiddenError('no_lab', 'You are not a member of any lab');
  if (others.length > 0)
    throw new ValidationError('lab_required', 'You belong to several labs: say which (lab_id)');
  return only;
}

/**
 * Runs a list query in the caller's lab scope, with the filter's `lab_id` defaulting to the caller's
 * only lab. Row-level security alone gives the planner `lab_id = ANY(<scope>)`, whose index order
 * PostgreSQL before 17 cannot use, so a list page would sort the whole lab; naming the one lab lets
 * the (lab_id, time desc, id desc) indexes stream the page. The same rows either way: the scope
 * still applies. One round trip (`readInLabs`).
 */
export function listInLabs<F extends { lab_id?: string | undefined }, T>(
  db: LabDatabase,
  callerLabIds: readonly string[],
  filter: F,
  list: (scope: LabExecutor, filter: F) => Promise<T>,
): Promise<T> {
  const [only, ...others] = callerLabIds;
  const lab = filter.lab_id ?? (others.length === 0 ? only : undefined);
  return list(readInLabs(db, callerLabIds), { ...filter, lab_id: lab });
}
