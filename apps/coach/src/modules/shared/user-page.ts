import type { VerifiedUser } from '@ours/platform/auth';
import { asUser } from '@ours/platform/db';
import { type Cursor, decodeCursor, toPage } from '@ours/platform/http';
import type { AppContext } from '../../context.ts';
import type { CoachExecutor } from '../../db/coach-database.ts';

/**
 * One page of the signed-in user's own rows, newest first: decodes the cursor, reads `limit + 1`
 * rows through row-level security as the user, and returns `{ items, next_cursor }`.
 */
export async function userPage<T extends { id: string }>(
  ctx: AppContext,
  user: VerifiedUser,
  query: { limit?: number | undefined; cursor?: string | undefined },
  list: (tx: CoachExecutor, userId: string, limit: number, cursor: Cursor | undefined) => Promise<T[]>,
  sortKey: (row: T) => string,
): Promise<{ items: T[]; next_cursor: string | null }> {
  const limit = query.limit ?? 20;
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await asUser(ctx.db, user, (tx) => list(tx, user.id, limit, cursor));
  return toPage(rows, limit, sortKey);
}
