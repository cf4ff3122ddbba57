import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from './database.ts';

/**
 * A `text[]` parameter. Drizzle expands a JS array into a parameter list (for IN), so arrays travel
 * as one JSON parameter instead, which also keeps every element's text exactly as given.
 */
export function textArray(values: readonly string[]): SQL {
  return sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))::text[]`;
}

/** Runs a statement and returns its rows, typed; both drivers answer with `{ rows }`. */
export async function queryRows<T>(tx: Executor, query: SQL): Promise<T[]> {
  const result = (await tx.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * Keyset condition for "rows after this cursor" in `order by <at> desc, id desc` order, or nothing
 * on the first page. `at` is the sort column (trusted SQL, never client input).
 */
export function olderThan(cursor: { at: string; id: string } | undefined, at: SQL): SQL {
  return cursor ? sql`and (${at}, id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : sql``;
}
