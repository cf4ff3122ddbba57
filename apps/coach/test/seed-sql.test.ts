import { asRole } from '@ours/platform/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoachDatabase } from '../src/db/coach-database.ts';
import { seedCoachData } from './support/factories.ts';
import { createUser, openFileDatabase } from './support/test-app.ts';

let db: CoachDatabase;
let userId: string;

beforeAll(async () => {
  db = await openFileDatabase();
  const user = await createUser();
  userId = user.id;
  await seedCoachData(db, user.id, user.email);
});
afterAll(async () => db.close());

// The deployment guide's monitoring queries (sections 3 and 11), verbatim but for the uuid placeholder.
const seedQueries: Record<string, string> = {
  'recent logs for a user': `SELECT 
  timestamp,
  success,
  token_usage,
  LEFT(user_message, 50) as message_preview
FROM ai_coach_logs
WHERE user_id = '<user-uuid>'
ORDER BY timestamp DESC
LIMIT 20;`,
  'weekly summaries created': `SELECT 
  user_id,
  created_at,
  LEFT(note, 100) as preview
FROM ai_coach_notes
WHERE type = 'weekly_summary'
ORDER BY created_at DESC
LIMIT 10;`,
  'notifications triggered': `SELECT 
  user_id,
  message,
  read,
  created_at
FROM coach_notifications
WHERE type = 'ai_coach_proactive'
ORDER BY created_at DESC
LIMIT 10;`,
  'RLS status (section 4)': `SELECT schemaname, tablename, rowsecurity 
FROM pg_tables 
WHERE tablename IN ('ai_coach_logs', 'ai_coach_notes', 'coach_notifications', 'log_embeddings')
AND schemaname = 'public';`,
  'RLS status (section 11)': `SELECT schemaname, tablename, rowsecurity 
FROM pg_tables 
WHERE tablename IN ('ai_coach_logs', 'ai_coach_notes', 'coach_notifications');`,
  'recent AI interactions': `SELECT user_id, success, token_usage, timestamp 
FROM ai_coach_logs 
ORDER BY timestamp DESC 
LIMIT 10;`,
  'weekly summaries': `SELECT user_id, LEFT(note, 100) as preview, created_at 
FROM ai_coach_notes 
WHERE type = 'weekly_summary' 
ORDER BY created_at DESC;`,
  'proactive notifications': `SELECT user_id, message, read, created_at 
FROM coach_notifications 
ORDER BY created_at DESC;`,
  'latest log (section 9)': `SELECT * FROM ai_coach_logs 
ORDER BY timestamp DESC 
LIMIT 1;`,
  'summary count': `SELECT COUNT(*) as summary_count FROM ai_coach_notes WHERE type = 'weekly_summary';`,
  'notification count': `SELECT COUNT(*) as notification_count FROM coach_notifications WHERE type = 'ai_coach_proactive';`,
};

describe("the deployment guide's monitoring SQL", () => {
  it.each(Object.entries(seedQueries))('runs unchanged: %s', async (_name, query) => {
    const text = query.replace('<user-uuid>', userId);
    const { rows } = await asRole(db, { role: 'service_role' }, (tx) =>
      sql.raw<Record<string, unknown>>(text).execute(tx),
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
  });

  it('reports RLS on for every coach table', async () => {
    const { rows } = await asRole(db, { role: 'service_role' }, (tx) =>
      sql.raw<{ rowsecurity: boolean }>(seedQueries['RLS status (section 4)'] ?? '').execute(tx),
    );
    expect(rows).toHaveLength(4);
    expect(rows.every((row) => row.rowsecurity)).toBe(true);
  });
});
