import type { CoachDatabase } from '../../src/db/coach-database.ts';
import { asService } from './coach-logs.ts';

/** Inserts rows a user cannot create themselves (the service role writes them in production). */
export async function seedCoachData(db: CoachDatabase, userId: string, email: string) {
  return asService(db, async (tx) => {
    await tx
      .insertInto('auth.users')
      .values({ id: userId, email })
      .onConflict((c) => c.doNothing())
      .execute();
    const notification = await tx
      .insertInto('coach_notifications')
      .values({ user_id: userId, message: 'You have been doing great', type: 'ai_coach_proactive' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const note = await tx
      .insertInto('ai_coach_notes')
      .values({ user_id: userId, note: 'A steady week of training.', type: 'weekly_summary' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const log = await tx
      .insertInto('ai_coach_logs')
      .values({
        user_id: userId,
        session_id: 's1',
        user_message: 'private question',
        ai_response: 'private answer',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const embedding = await tx
      .insertInto('log_embeddings')
      .values(({ fn }) => ({
        user_id: userId,
        log_type: 'mood_log',
        log_id: fn<string>('gen_random_uuid'),
        text: 'private memory',
      }))
      .returning('id')
      .executeTakeFirstOrThrow();
    const mood = await tx
      .insertInto('mood_logs')
      .values({ user_id: userId, mood: 3, stress: 8, notes: 'private mood note' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('user_profiles').values({ user_id: userId, display_name: 'Private Name' }).execute();
    return {
      notificationId: notification.id,
      noteId: note.id,
      logId: log.id,
      embeddingId: embedding.id,
      moodId: mood.id,
    };
  });
}
