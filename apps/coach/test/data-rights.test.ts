import { testDatabaseUrl } from '@ours/platform/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { CoachDatabase } from '../src/db/coach-database.ts';
import { rememberNewConversations } from '../src/modules/memory/memory-jobs.ts';
import { asService } from './support/coach-logs.ts';
import { seedCoachData } from './support/factories.ts';
import { bearer, createUser, startTestApp, type TestUser, useTestApp } from './support/test-app.ts';

const t = useTestApp();

const exportedTables = [
  'user_profiles',
  'mood_logs',
  'ai_coach_logs',
  'ai_coach_notes',
  'coach_notifications',
  'log_embeddings',
  'push_tokens',
] as const;
const userTables = [...exportedTables, 'coach_reviews'] as const;
// Erased too, never exported: delivery and scheduling bookkeeping, budgets.
const bookkeepingTables = [
  'push_deliveries',
  'user_schedule_marks',
  'coach_budget_reservations',
  'coach_budget_usage',
  'coach_budgets',
  'usage_user_totals',
] as const;
const confirm = { confirm: 'DELETE_MY_DATA' };

/**
 * A user with a row in every user table: seedCoachData's rows (written as the service role, and
 * remembered by the memory triggers and job: mood note, exchange, weekly note, plus one direct memory), a
 * mood log through the API and a review-queue entry.
 */
async function seedUser(user: TestUser, note: string) {
  const ids = await seedCoachData(t.db, user.id, user.email);
  await rememberNewConversations(t.ctx);
  const mood = await t.app.inject({
    method: 'POST',
    url: '/mood-logs',
    headers: bearer(user),
    payload: { mood: 7, stress: 3, notes: note },
  });
  expect(mood.statusCode).toBe(201);
  await asService(t.db, (tx) =>
    tx
      .insertInto('coach_reviews')
      .values({
        user_id: user.id,
        reason: 'crisis_in_window',
        window_start: sql<string>`now() - interval '3 days'`,
        window_end: sql<string>`now()`,
      })
      .execute(),
  );
  await seedBookkeeping(user, ids.notificationId);
  return ids;
}

/** A device, a push of the seeded notification, a schedule mark and a budget in use. */
async function seedBookkeeping(user: TestUser, notificationId: string) {
  await asService(t.db, async (tx) => {
    const token = await tx
      .insertInto('push_tokens')
      .values({ user_id: user.id, token: `ExponentPushToken[${user.id.slice(0, 12)}]`, platform: 'ios' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('push_deliveries')
      .values({ notification_id: notificationId, token_id: token.id, user_id: user.id })
      .execute();
    await tx
      .insertInto('user_schedule_marks')
      .values({ user_id: user.id, status_checked_on: '2026-12-01', time_zone: 'Europe/London' })
      .execute();
    await tx
      .insertInto('coach_budgets')
      .values({ subject: user.id, user_id: user.id, token_limit: 100_000 })
      .execute();
    await tx
      .insertInto('coach_budget_usage')
      .values({ subject: user.id, period: '2026-12', user_id: user.id, tokens_used: 10 })
      .execute();
    await tx
      .insertInto('usage_user_totals')
      .values({
        day: '2026-12-01',
        user_id: user.id,
        since: '2026-12-01',
        last_active: '2026-12-01',
        requests: 1,
        succeeded: 1,
        fallbacks: 0,
        prompt_tokens: 100,
        completion_tokens: 50,
        cached_tokens: 0,
        cost_usd: '0.001',
      })
      .execute();
    await tx
      .insertInto('coach_budget_reservations')
      .values({
        user_id: user.id,
        period: '2026-12',
        tokens: 700,
        cost_usd: '0',
        counts_user: true,
        counts_global: false,
        expires_at: sql<string>`now() + interval '1 minute'`,
      })
      .execute();
  });
}

/** Rows per table (and in auth.users) for one user, counted as the service role. */
async function rowCounts(userId: string): Promise<Record<string, number>> {
  return asService(t.db, async (tx) => {
    const counts: Record<string, number> = {};
    for (const table of [...userTables, ...bookkeepingTables]) {
      const row = await tx
        .selectFrom(table)
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirst();
      counts[table] = row?.n ?? -1;
    }
    const auth = await tx
      .selectFrom('auth.users')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('id', '=', userId)
      .executeTakeFirst();
    counts['auth.users'] = auth?.n ?? -1;
    return counts;
  });
}

/** The ids of a user's rows in a table, as the service role sees them. */
async function idsOf(table: (typeof userTables)[number], userId: string): Promise<string[]> {
  const rows = await asService(t.db, (tx) =>
    tx.selectFrom(table).select('id').where('user_id', '=', userId).orderBy('id').execute(),
  );
  return rows.map((row) => row.id);
}

function exportOf(user: TestUser) {
  return t.app.inject({ method: 'GET', url: '/me/export', headers: bearer(user) });
}

function erase(user: TestUser, payload?: object) {
  return t.app.inject({
    method: 'DELETE',
    url: '/me',
    headers: bearer(user),
    ...(payload ? { payload } : {}),
  });
}

const seededCounts = {
  push_deliveries: 1,
  push_tokens: 1,
  user_schedule_marks: 1,
  coach_budget_reservations: 1,
  coach_budget_usage: 1,
  coach_budgets: 1,
  usage_user_totals: 1,
  log_embeddings: 5,
  coach_notifications: 1,
  ai_coach_notes: 1,
  ai_coach_logs: 1,
  mood_logs: 2,
  coach_reviews: 1,
  user_profiles: 1,
  'auth.users': 1,
};

/**
 * Runs a script as the bootstrap superuser, which owns the coach's tables (a trigger needs the
 * owner). On PostgreSQL through a separate admin connection to this file's database; PGlite has a
 * single connection, demoted with SET SESSION AUTHORIZATION, whose authenticated user is still the
 * superuser, so it switches to the superuser for the script and back to the runtime role after.
 */
async function asSuperuser(db: CoachDatabase, script: string): Promise<void> {
  const connection = db.connection;
  if (connection.kind === 'postgres') {
    const admin = new pg.Client({
      connectionString: testDatabaseUrl(new URL(connection.url).pathname.slice(1)),
    });
    await admin.connect();
    try {
      await admin.query(script);
    } finally {
      await admin.end();
    }
    return;
  }
  const client = connection.client;
  const [roles] = (
    await client.query<{ owner: string; runtime: string }>(
      'select (select rolname from pg_roles where oid = 10) as owner, session_user as runtime',
    )
  ).rows;
  if (!roles) throw new Error('could not read the session roles');
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  await client.exec(`SET SESSION AUTHORIZATION ${quote(roles.owner)}`);
  try {
    await client.exec(script);
  } finally {
    await client.exec(`SET SESSION AUTHORIZATION ${quote(roles.runtime)}`);
  }
}

describe('GET /me/export', () => {
  it("contains the user's rows from every table and none of another user's", async () => {
    const alice = await createUser();
    const bob = await createUser();
    await seedUser(alice, 'alice exported note');
    const bobRows = await seedUser(bob, 'bob private note');

    const response = await exportOf(alice);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="strukt-coach-export-${alice.id}.json"`,
    );
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['export', ...userTables].sort());
    expect(body.export).toEqual({
      generated_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      user_id: alice.id,
      email: alice.email,
      format: 'strukt-coach-export/1',
    });
    expect(body.user_profiles).toEqual([
      expect.objectContaining({ user_id: alice.id, display_name: 'Private Name' }),
    ]);
    for (const table of exportedTables.filter((name) => name !== 'user_profiles')) {
      const exported = (body[table] as { id: string }[]).map((row) => row.id).sort();
      expect(exported, table).toEqual(await idsOf(table, alice.id));
      expect(exported.length, table).toBe(seededCounts[table]);
    }
    expect(body.mood_logs.map((log: { notes: string }) => log.notes)).toContain('alice exported note');
    expect(body.log_embeddings.map((memory: { text: string }) => memory.text)).toContain(
      'Mood 7/10, stress 3/10: alice exported note',
    );
    expect(response.body).not.toContain(bob.id);
    expect(response.body).not.toContain('bob private note');
    for (const id of Object.values(bobRows)) expect(response.body).not.toContain(id);
  });

  it('exports empty tables for a user with no data', async () => {
    const user = await createUser();
    const body = (await exportOf(user)).json();
    for (const table of exportedTables) expect(body[table], table).toEqual([]);
  });

  it('requires a token', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/me/export' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('missing_token');
  });
});

describe('DELETE /me', () => {
  it("erases every row of the user with real counts, and leaves other users' data alone", async () => {
    const carol = await createUser();
    const dave = await createUser();
    await seedUser(carol, 'carol note');
    await seedUser(dave, 'dave note');
    expect(await rowCounts(carol.id)).toEqual(seededCounts);
    const daveBefore = await rowCounts(dave.id);

    const response = await erase(carol, confirm);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ deleted: seededCounts });

    expect(Object.values(await rowCounts(carol.id)).every((n) => n === 0)).toBe(true);
    expect(await rowCounts(dave.id)).toEqual(daveBefore);
    const exported = (await exportOf(carol)).json();
    for (const table of exportedTables) expect(exported[table], table).toEqual([]);
    expect((await exportOf(dave)).json().mood_logs).toHaveLength(2);
  });

  it('lets the user start again afterwards', async () => {
    const user = await createUser();
    await seedUser(user, 'before erasure');
    expect((await erase(user, confirm)).statusCode).toBe(200);

    const again = await t.app.inject({
      method: 'POST',
      url: '/mood-logs',
      headers: bearer(user),
      payload: { mood: 6, stress: 4, notes: 'a fresh start' },
    });
    expect(again.statusCode).toBe(201);
    const exported = (await exportOf(user)).json();
    expect(exported.mood_logs.map((log: { notes: string }) => log.notes)).toEqual(['a fresh start']);
    expect((await rowCounts(user.id))['auth.users']).toBe(1);
    // A second erasure counts only what is there now.
    expect((await erase(user, confirm)).json().deleted).toMatchObject({
      mood_logs: 1,
      log_embeddings: 1,
      user_profiles: 0,
      'auth.users': 1,
    });
  });

  it('lets the user start again through another instance that still remembers them', async () => {
    const user = await createUser();
    const other = await startTestApp(t.db);
    try {
      const log = () =>
        other.app.inject({
          method: 'POST',
          url: '/mood-logs',
          headers: bearer(user),
          payload: { mood: 5, stress: 5 },
        });
      expect((await log()).statusCode).toBe(201);
      const erased = await t.app.inject({
        method: 'DELETE',
        url: '/me',
        headers: bearer(user),
        payload: { confirm: 'DELETE_MY_DATA' },
      });
      expect(erased.statusCode).toBe(200);
      // The other instance's memory of the user is stale: one clear 409, then it works again.
      const stale = await log();
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.code).toBe('account_reset');
      expect((await log()).statusCode).toBe(201);
    } finally {
      await other.close();
    }
  });

  it('erases all or nothing: a failure part-way leaves every row in place', async () => {
    const user = await createUser();
    await seedUser(user, 'must survive a failed erasure');
    const before = await rowCounts(user.id);
    expect(before).toEqual(seededCounts);

    // The failure is real and mid-way: a trigger, installed as the table owner (see asSuperuser),
    // raises when the erasure reaches this user's user_profiles row, but only once the user's rows
    // in every other table are already gone in the same transaction. So the transaction fails after
    // six deletes have run; if the order ever changed, the trigger would let the delete through and
    // this test would fail on the 200.
    await asSuperuser(
      t.db,
      `CREATE FUNCTION public.test_interrupt_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM public.log_embeddings WHERE user_id = OLD.user_id)
           OR EXISTS (SELECT 1 FROM public.coach_notifications WHERE user_id = OLD.user_id)
           OR EXISTS (SELECT 1 FROM public.ai_coach_notes WHERE user_id = OLD.user_id)
           OR EXISTS (SELECT 1 FROM public.ai_coach_logs WHERE user_id = OLD.user_id)
           OR EXISTS (SELECT 1 FROM public.mood_logs WHERE user_id = OLD.user_id)
           OR EXISTS (SELECT 1 FROM public.coach_reviews WHERE user_id = OLD.user_id) THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION 'erasure interrupted by the test';
       END $$;
       CREATE TRIGGER test_interrupt_erasure BEFORE DELETE ON public.user_profiles FOR EACH ROW
         WHEN (OLD.user_id = '${user.id}') EXECUTE FUNCTION public.test_interrupt_erasure();`,
    );
    try {
      const response = await erase(user, confirm);
      expect(response.statusCode).toBe(500);
      expect(response.json().error.code).toBe('internal_error');
      expect(response.body).not.toContain('erasure interrupted');

      expect(await rowCounts(user.id)).toEqual(before);
      const exported = (await exportOf(user)).json();
      expect(exported.log_embeddings).toHaveLength(seededCounts.log_embeddings);
      expect(exported.mood_logs).toHaveLength(seededCounts.mood_logs);
    } finally {
      await asSuperuser(
        t.db,
        `DROP TRIGGER test_interrupt_erasure ON public.user_profiles;
         DROP FUNCTION public.test_interrupt_erasure();`,
      );
    }
    // With the obstacle gone, the same request erases everything.
    expect((await erase(user, confirm)).json()).toEqual({ deleted: seededCounts });
  });

  it.each([
    ['no body', undefined],
    ['an empty object', {}],
    ['the wrong phrase', { confirm: 'yes' }],
    ['the phrase in lower case', { confirm: 'delete_my_data' }],
    ['an extra field', { ...confirm, user_id: '00000000-0000-4000-8000-000000000000' }],
  ])('refuses %s with 400 and deletes nothing', async (_label, payload) => {
    const user = await createUser();
    await seedUser(user, 'kept');
    const response = await erase(user, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation_failed');
    expect(await rowCounts(user.id)).toEqual(seededCounts);
  });

  it('requires a token', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/me', payload: confirm });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('missing_token');
  });
});
