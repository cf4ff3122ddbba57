import { asRole, type Database, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';

export interface LoggedExchange {
  user_id: string;
  session_id: string;
  user_message: string;
  ai_response: string;
  success: boolean;
  token_usage: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  issues: string[] | null;
  model: string | null;
  fallback_reason: string | null;
  topic: string | null;
  blocked_response: string | null;
  latency_ms: number;
}

/** Every `ai_coach_logs` row of a user, oldest first, read as the service role. */
export function coachLogsOf(db: Database, userId: string): Promise<LoggedExchange[]> {
  return asRole(db, { role: 'service_role' }, (tx) =>
    queryRows<LoggedExchange>(
      tx,
      sql`select * from ai_coach_logs where user_id = ${userId} order by created_at, id`,
    ),
  );
}

/** Runs SQL as the service role (to arrange data a user cannot write themselves). */
export function asService<T>(db: Database, fn: Parameters<typeof asRole<T>>[2]): Promise<T> {
  return asRole(db, { role: 'service_role' }, fn);
}

/** The database's own message for a failed statement (drizzle wraps it as the cause). */
export async function databaseError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const messages: string[] = [];
    for (let current: unknown = error; current instanceof Error; current = current.cause)
      messages.push(current.message);
    return messages.join(' | ');
  }
  throw new Error('expected the statement to fail');
}
