import type { CoachExecutor } from '../../db/coach-database.ts';

/** Every table holding the user's data, in the order a deletion must go (children first). */
export const userTables = [
  'push_deliveries',
  'push_tokens',
  'log_embeddings',
  'coach_notifications',
  'ai_coach_notes',
  'ai_coach_logs',
  'mood_logs',
  'coach_reviews',
  // Bookkeeping keyed by the user: where Supabase owns auth.users, no cascade removes it for us.
  'user_schedule_marks',
  'coach_budget_reservations',
  'coach_budget_usage',
  'coach_budgets',
  'usage_user_totals',
  'user_profiles',
] as const;
export type UserTable = (typeof userTables)[number];

/**
 * Everything about the user, read as the user: row-level security guarantees it is only theirs.
 * Internal bookkeeping (a held-back reply, when a turn was remembered, vectors) stays out.
 */
export async function exportUserData(tx: CoachExecutor) {
  return {
    user_profiles: await tx.selectFrom('user_profiles').selectAll().execute(),
    mood_logs: await tx
      .selectFrom('mood_logs')
      .select(['id', 'mood', 'stress', 'notes', 'logged_at', 'created_at'])
      .orderBy('logged_at')
      .execute(),
    ai_coach_logs: await tx
      .selectFrom('ai_coach_logs')
      .select([
        'id',
        'session_id',
        'user_message',
        'ai_response',
        'success',
        'token_usage',
        'issues',
        'timestamp',
        'model',
        'prompt_tokens',
        'completion_tokens',
        'latency_ms',
        'fallback_reason',
        'topic',
        'stress_signal',
        'source',
      ])
      .orderBy('timestamp')
      .execute(),
    ai_coach_notes: await tx
      .selectFrom('ai_coach_notes')
      .select(['id', 'note', 'type', 'week_key', 'flags', 'created_at'])
      .orderBy('created_at')
      .execute(),
    coach_notifications: await tx
      .selectFrom('coach_notifications')
      .select(['id', 'message', 'type', 'read', 'priority', 'delivery_channel', 'status', 'created_at'])
      .orderBy('created_at')
      .execute(),
    log_embeddings: await tx
      .selectFrom('log_embeddings')
      .select(['id', 'log_type', 'log_id', 'text', 'created_at'])
      .orderBy('created_at')
      .execute(),
    push_tokens: await tx
      .selectFrom('push_tokens')
      .select(['id', 'token', 'platform', 'created_at', 'last_registered_at'])
      .orderBy('created_at')
      .execute(),
  };
}

/** The user's review records (held back from an automated nudge), read as the service role. */
export function exportReviews(tx: CoachExecutor, userId: string) {
  return tx
    .selectFrom('coach_reviews')
    .select(['id', 'reason', 'window_start', 'window_end', 'created_at', 'resolved_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

/** Deletes the user's rows table by table (service role) and returns the real counts. */
export async function deleteUserData(
  tx: CoachExecutor,
  userId: string,
  alsoAuthUser: boolean,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of userTables) {
    const result = await tx.deleteFrom(table).where('user_id', '=', userId).executeTakeFirst();
    counts[table] = Number(result.numDeletedRows);
  }
  if (alsoAuthUser) {
    const result = await tx.deleteFrom('auth.users').where('id', '=', userId).executeTakeFirst();
    counts['auth.users'] = Number(result.numDeletedRows);
  }
  return counts;
}
