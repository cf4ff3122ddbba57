import { type Executor, queryRows } from '@ours/platform/db';
import { type SQL, sql } from 'drizzle-orm';

/** Every table holding the user's data, in the order a deletion must go (children first). */
export const userTables = [
  'log_embeddings',
  'coach_notifications',
  'ai_coach_notes',
  'ai_coach_logs',
  'mood_logs',
  'coach_reviews',
  'user_profiles',
] as const;
export type UserTable = (typeof userTables)[number];

const exportQueries: Record<Exclude<UserTable, 'coach_reviews'>, SQL> = {
  user_profiles: sql`select * from user_profiles`,
  mood_logs: sql`select id, mood, stress, notes, logged_at, created_at from mood_logs order by logged_at`,
  ai_coach_logs: sql`select id, session_id, user_message, ai_response, success, token_usage, issues, "timestamp",
    model, prompt_tokens, completion_tokens, latency_ms, fallback_reason, topic, stress_signal from ai_coach_logs order by "timestamp"`,
  ai_coach_notes: sql`select id, note, type, week_key, flags, created_at from ai_coach_notes order by created_at`,
  coach_notifications: sql`select id, message, type, read, priority, delivery_channel, status, created_at
    from coach_notifications order by created_at`,
  log_embeddings: sql`select id, log_type, log_id, text, created_at from log_embeddings order by created_at`,
};

/** Everything about the user, read as the user: row-level security guarantees it is only theirs. */
export async function exportUserData(tx: Executor): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const [table, query] of Object.entries(exportQueries)) result[table] = await queryRows(tx, query);
  return result;
}

/** The user's review records (held back from an automated nudge), read as the service role. */
export function exportReviews(tx: Executor, userId: string): Promise<unknown[]> {
  return queryRows(
    tx,
    sql`select id, reason, window_start, window_end, created_at, resolved_at from coach_reviews where user_id = ${userId} order by created_at`,
  );
}

/** Deletes the user's rows table by table (service role) and returns the real counts. */
export async function deleteUserData(
  tx: Executor,
  userId: string,
  alsoAuthUser: boolean,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of userTables) {
    const rows = await queryRows(
      tx,
      sql`delete from ${sql.identifier(table)} where user_id = ${userId} returning 1`,
    );
    counts[table] = rows.length;
  }
  if (alsoAuthUser) {
    counts['auth.users'] = (
      await queryRows(tx, sql`delete from auth.users where id = ${userId} returning 1`)
    ).length;
  }
  return counts;
}
