import { type Database, type Executor, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';
import { asService } from './coach-logs.ts';

/** Inserts rows a user cannot create themselves (the service role writes them in production). */
export async function seedCoachData(db: Database, userId: string, email: string) {
  return asService(db, async (tx: Executor) => {
    await tx.execute(
      sql`insert into auth.users (id, email) values (${userId}, ${email}) on conflict do nothing`,
    );
    const [notification] = await queryRows<{ id: string }>(
      tx,
      sql`insert into coach_notifications (user_id, message, type) values (${userId}, 'You have been doing great', 'ai_coach_proactive') returning id`,
    );
    const [note] = await queryRows<{ id: string }>(
      tx,
      sql`insert into ai_coach_notes (user_id, note, type) values (${userId}, 'A steady week of training.', 'weekly_summary') returning id`,
    );
    const [log] = await queryRows<{ id: string }>(
      tx,
      sql`insert into ai_coach_logs (user_id, session_id, user_message, ai_response) values (${userId}, 's1', 'private question', 'private answer') returning id`,
    );
    const [embedding] = await queryRows<{ id: string }>(
      tx,
      sql`insert into log_embeddings (user_id, log_type, log_id, text) values (${userId}, 'mood_log', gen_random_uuid(), 'private memory') returning id`,
    );
    const [mood] = await queryRows<{ id: string }>(
      tx,
      sql`insert into mood_logs (user_id, mood, stress, notes) values (${userId}, 3, 8, 'private mood note') returning id`,
    );
    await tx.execute(
      sql`insert into user_profiles (user_id, display_name) values (${userId}, 'Private Name')`,
    );
    if (!notification || !note || !log || !embedding || !mood) throw new Error('seed failed');
    return {
      notificationId: notification.id,
      noteId: note.id,
      logId: log.id,
      embeddingId: embedding.id,
      moodId: mood.id,
    };
  });
}
