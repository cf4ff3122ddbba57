import { type Expression, type SqlBool, sql } from 'kysely';

/** A keyset position: the sort time and id of the last row of the previous page. */
export interface KeysetCursor {
  at: string;
  id: string;
}

/**
 * "Rows after this cursor" in `order by <at> desc, id desc` order: `(at, id) < (cursor)`, a row
 * comparison PostgreSQL serves from a (…, at desc, id desc) index. `at` and `id` are trusted column
 * references, never client input.
 */
export function olderThan(
  at: Expression<unknown>,
  id: Expression<unknown>,
  cursor: KeysetCursor,
): Expression<SqlBool> {
  return sql<SqlBool>`(${at}, ${id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`;
}
