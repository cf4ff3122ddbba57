import { type Executor, olderThan, queryRows } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { sql } from 'drizzle-orm';
import type { Note } from './notes.schema.ts';

export function listNotes(
  tx: Executor,
  userId: string,
  limit: number,
  cursor: Cursor | undefined,
): Promise<Note[]> {
  return queryRows<Note>(
    tx,
    sql`
    select id, note, type, to_json(created_at) #>> '{}' as created_at from ai_coach_notes
    where user_id = ${userId} ${olderThan(cursor, sql`created_at`)}
    order by created_at desc, id desc limit ${limit + 1}`,
  );
}
