import { asRole, asUser } from '@ours/platform/db';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { asService, databaseError } from './support/coach-logs.ts';
import { seedCoachData } from './support/factories.ts';
import { bearer, createUser, type TestUser, useTestApp } from './support/test-app.ts';

let alice: TestUser;
let bob: TestUser;
let aliceRows: Awaited<ReturnType<typeof seedCoachData>>;
// Operations tables no user reads: only the service role (which bypasses RLS) passes.
const serviceOnlyTables = [
  'coach_budget_reservations',
  'coach_budget_usage',
  'coach_budgets',
  'coach_reviews',
  'job_runs',
  'model_prices',
  'operator_alerts',
  'push_deliveries',
  'schedule_zone_marks',
  'user_schedule_marks',
  'usage_hourly',
  'usage_rollup_state',
  'usage_user_totals',
];

const userTables = [
  'ai_coach_logs',
  'ai_coach_notes',
  'coach_notifications',
  'log_embeddings',
  'mood_logs',
  'push_tokens',
  'user_profiles',
] as const;

const t = useTestApp();

beforeAll(async () => {
  alice = await createUser();
  bob = await createUser();
  aliceRows = await seedCoachData(t.db, alice.id, alice.email);
  await asService(t.db, (tx) =>
    tx
      .insertInto('push_tokens')
      .values({ user_id: alice.id, token: 'ExponentPushToken[isolation-alice-1]', platform: 'ios' })
      .execute(),
  );
});

describe('cross-user isolation through the API', () => {
  it.each(['/history', '/notes', '/notifications', '/mood-logs'])(
    '%s shows the owner their rows and others nothing',
    async (url) => {
      const own = (await t.app.inject({ method: 'GET', url, headers: bearer(alice) })).json();
      expect(own.items).toHaveLength(1);
      const other = await t.app.inject({ method: 'GET', url, headers: bearer(bob) });
      expect(other.statusCode).toBe(200);
      expect(other.json().items).toEqual([]);
      expect(other.body).not.toContain('private');
    },
  );

  it("does not reveal another user's profile", async () => {
    const response = (await t.app.inject({ method: 'GET', url: '/profile', headers: bearer(bob) })).json();
    expect(response.display_name).toBeNull();
  });

  it("cannot mark another user's notification read (404, row unchanged)", async () => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/notifications/${aliceRows.notificationId}`,
      headers: bearer(bob),
      payload: { read: true },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('notification_not_found');
    const row = await asService(t.db, (tx) =>
      tx
        .selectFrom('coach_notifications')
        .select('read')
        .where('id', '=', aliceRows.notificationId)
        .executeTakeFirst(),
    );
    expect(row?.read).toBe(false);
  });

  it('lets the owner flip read but nothing else', async () => {
    const url = `/notifications/${aliceRows.notificationId}`;
    const ok = await t.app.inject({ method: 'PATCH', url, headers: bearer(alice), payload: { read: true } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id: aliceRows.notificationId, read: true });
    const sneaky = await t.app.inject({
      method: 'PATCH',
      url,
      headers: bearer(alice),
      payload: { read: false, message: 'hacked' },
    });
    expect(sneaky.statusCode).toBe(400);
  });
});

describe('row-level security in the database itself', () => {
  it('runs the service as a non-superuser login that holds no table privileges of its own', async () => {
    const {
      rows: [who],
    } = await sql<{ current_user: string; session_user: string; rolsuper: boolean }>`
      select current_user, session_user, (select rolsuper from pg_roles where rolname = current_user) as rolsuper`.execute(
      t.db.kysely,
    );
    expect(who).toEqual({ current_user: 'authenticator', session_user: 'authenticator', rolsuper: false });
    expect(
      await databaseError(
        t.db.kysely
          .selectFrom('mood_logs')
          .select(({ fn }) => fn.countAll().as('n'))
          .execute(),
      ),
    ).toMatch(/permission denied/);
  });

  it('has RLS enabled and forced on every user table', async () => {
    const { rows } = await asService(t.db, (tx) =>
      sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
        select relname, relrowsecurity, relforcerowsecurity from pg_class
        where relnamespace = 'public'::regnamespace and relkind = 'r' and relname <> 'schema_migrations' order by relname`.execute(
        tx,
      ),
    );
    // Service-only tables are locked down the same way (no policy: only the service role passes).
    expect(rows.map((row) => row.relname)).toEqual([...userTables, ...serviceOnlyTables].sort());
    for (const row of rows) expect(row).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
  });

  it.each(userTables)("%s: user B sees none of user A's rows while the rows exist", async (table) => {
    const count = (user: TestUser) =>
      asUser(t.db, user, (tx) =>
        tx
          .selectFrom(table)
          .select(({ fn }) => fn.countAll<number>().as('n'))
          .where('user_id', '=', alice.id)
          .executeTakeFirst(),
      );
    const asBob = await count(bob);
    expect(asBob?.n).toBe(0);
    const asAlice = await count(alice);
    expect(asAlice?.n).toBeGreaterThanOrEqual(1);
  });

  it("refuses B's writes to A's rows", async () => {
    const updated = await asUser(t.db, bob, (tx) =>
      tx
        .updateTable('coach_notifications')
        .set({ read: true })
        .where('user_id', '=', alice.id)
        .returning('id')
        .execute(),
    );
    expect(updated).toHaveLength(0);
    const deleted = await asUser(t.db, bob, (tx) =>
      tx.deleteFrom('mood_logs').where('user_id', '=', alice.id).returning('id').execute(),
    );
    expect(deleted).toHaveLength(0);
    expect(
      await databaseError(
        asUser(t.db, bob, (tx) =>
          tx.insertInto('mood_logs').values({ user_id: alice.id, mood: 5, stress: 5 }).execute(),
        ),
      ),
    ).toMatch(/row-level security/);
  });

  it('refuses a user any column but read on notifications, and any write to coach-owned tables', async () => {
    expect(
      await databaseError(
        asUser(t.db, alice, (tx) =>
          tx
            .updateTable('coach_notifications')
            .set({ message: 'x' })
            .where('id', '=', aliceRows.notificationId)
            .execute(),
        ),
      ),
    ).toMatch(/permission denied/);
    expect(
      await databaseError(
        asUser(t.db, alice, (tx) =>
          tx
            .insertInto('ai_coach_logs')
            .values({ user_id: alice.id, session_id: 's', user_message: 'm', ai_response: 'r' })
            .execute(),
        ),
      ),
    ).toMatch(/permission denied/);
    expect(
      await databaseError(
        asUser(t.db, alice, (tx) =>
          tx
            .insertInto('ai_coach_notes')
            .values({ user_id: alice.id, note: 'n', type: 'weekly_summary' })
            .execute(),
        ),
      ),
    ).toMatch(/permission denied/);
  });

  it('leaves the anon role with nothing', async () => {
    expect(
      await databaseError(
        asRole(t.db, { role: 'anon' }, (tx) => tx.selectFrom('ai_coach_logs').selectAll().execute()),
      ),
    ).toMatch(/permission denied/);
  });
});
