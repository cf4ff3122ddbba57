import { asRole } from '@ours/platform/db';
import type { Transaction } from 'kysely';
import type { CoachDatabase, CoachSchema } from '../../src/db/coach-database.ts';

/** Every `ai_coach_logs` row of a user, oldest first, read as the service role. */
export function coachLogsOf(db: CoachDatabase, userId: string) {
  return asService(db, (tx) =>
    tx
      .selectFrom('ai_coach_logs')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  );
}

/** Runs SQL as the service role (to arrange data a user cannot write themselves). */
export function asService<T>(
  db: CoachDatabase,
  fn: (tx: Transaction<CoachSchema>) => Promise<T>,
): Promise<T> {
  return asRole(db, { role: 'service_role' }, fn);
}

/** The database's own message for a failed statement (and those of any errors it wraps). */
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
