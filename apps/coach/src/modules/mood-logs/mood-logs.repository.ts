import { type Executor, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';
import type { MoodLog } from './mood-logs.schema.ts';

const columns = sql`id, mood, stress, notes, to_json(logged_at) #>> '{}' as logged_at, to_json(created_at) #>> '{}' as created_at`;

export async function insertMoodLog(
  tx: Executor,
  userId: string,
  input: { mood: number; stress: number; notes: string | null; loggedAt: string | null },
): Promise<MoodLog> {
  const rows = await queryRows<MoodLog>(
    tx,
    sql`
    insert into mood_logs (user_id, mood, stress, notes, logged_at)
    values (${userId}, ${input.mood}, ${input.stress}, ${input.notes}, coalesce(${input.loggedAt}::timestamptz, now()))
    returning ${columns}`,
  );
  const row = rows[0];
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function listMoodLogs(
  tx: Executor,
  userId: string,
  range: { from: string | undefined; to: string | undefined; limit: number },
): Promise<MoodLog[]> {
  const from = range.from ? sql`and logged_at >= ${range.from}::timestamptz` : sql``;
  const to = range.to ? sql`and logged_at < ${range.to}::timestamptz` : sql``;
  const rows = await queryRows<MoodLog>(
    tx,
    sql`
    select ${columns} from mood_logs where user_id = ${userId} ${from} ${to}
    order by logged_at desc, id desc limit ${range.limit}`,
  );
  return rows;
}
