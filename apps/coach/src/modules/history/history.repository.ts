import { type Executor, olderThan, queryRows } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { sql } from 'drizzle-orm';
import type { HistoryItem } from './history.schema.ts';

export async function listExchanges(tx: Executor, userId: string, limit: number, cursor: Cursor | undefined) {
  const rows = await queryRows<HistoryItem>(
    tx,
    sql`
    select id, session_id, user_message, ai_response, success, topic, to_json("timestamp") #>> '{}' as "timestamp"
    from ai_coach_logs
    where user_id = ${userId} ${olderThan(cursor, sql`"timestamp"`)}
    order by "timestamp" desc, id desc
    limit ${limit + 1}`,
  );
  return rows;
}
