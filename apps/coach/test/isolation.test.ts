import { asUser, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { asService, databaseError } from './support/coach-logs.ts';
import { seedCoachData } from './support/factories.ts';
import { bearer, createUser, type TestUser, useTestApp } from './support/test-app.ts';

let alice: TestUser;
let bob: TestUser;
let aliceRows: Awaited<ReturnType<typeof seedCoachData>>;
const userTables = [
  'ai_coach_logs',
  'ai_coach_notes',
  'coach_notifications',
  'log_embeddings',
  'mood_logs',
  'user_profiles',
];

const t = useTestApp();

beforeAll(async () => {
  alice = await createUser();
  bob = await createUser();
  aliceRows = await seedCoachData(t.db, alice.id, alice.email);
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
    const [row] = await asService(t.db, (tx) =>
      queryRows<{ read: boolean }>(
        tx,
        sql`select read from coach_notifications where id = ${aliceRows.notificationId}`,
      ),
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
    const [who] = await queryRows<{ current_user: string; session_user: string; rolsuper: boolean }>(
      t.db.orm,
      sql`select current_user, session_user, (select rolsuper from pg_roles where rolname = current_user) as rolsuper`,
    );
    expect(who).toEqual({ current_user: 'authenticator', session_user: 'authenticator', rolsuper: false });
    expect(await databaseError(t.db.orm.execute(sql`select count(*) from mood_logs`))).toMatch(
      /permission denied/,
    );
  });

  it('has RLS enabled and forced on every user table', async () => {
    const rows = await asService(t.db, (tx) =>
      queryRows<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
        tx,
        sql`select relname, relrowsecurity, relforcerowsecurity from pg_class
            where relnamespace = 'public'::regnamespace and relkind = 'r' and relname <> 'schema_migrations' order by relname`,
      ),
    );
    // Service-only tables are locked down the same way (no policy: only the service role passes).
    expect(rows.map((row) => row.relname)).toEqual([...userTables, 'coach_reviews', 'job_runs'].sort());
    for (const row of rows) expect(row).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
  });

  it.each(userTables)("%s: user B sees none of user A's rows while the rows exist", async (table) => {
    const asBob = await asUser(t.db, bob, (tx) =>
      queryRows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from ${sql.identifier(table)} where user_id = ${alice.id}`,
      ),
    );
    expect(asBob[0]?.n).toBe(0);
    const asAlice = await asUser(t.db, alice, (tx) =>
      queryRows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from ${sql.identifier(table)} where user_id = ${alice.id}`,
      ),
    );
    expect(asAlice[0]?.n).toBeGreaterThanOrEqual(1);
  });

  it("refuses B's writes to A's rows", async () => {
    const updated = await asUser(t.db, bob, (tx) =>
      queryRows(tx, sql`update coach_notifications set read = true where user_id = ${alice.id} returning id`),
    );
    expect(updated).toHaveLength(0);
    const deleted = await asUser(t.db, bob, (tx) =>
      queryRows(tx, sql`delete from mood_logs where user_id = ${alice.id} returning id`),
    );
    expect(deleted).toHaveLength(0);
    expect(
      await databaseError(
        asUser(t.db, bob, (tx) =>
          tx.execute(sql`insert into mood_logs (user_id, mood, stress) values (${alice.id}, 5, 5)`),
        ),
      ),
    ).toMatch(/row-level security/);
  });

  it('refuses a user any column but read on notifications, and any write to coach-owned tables', async () => {
    expect(
      await databaseError(
        asUser(t.db, alice, (tx) =>
          tx.execute(
            sql`update coach_notifications set message = 'x' where id = ${aliceRows.notificationId}`,
          ),
        ),
      ),
    ).toMatch(/permission denied/);
    expect(
      await databaseError(
        asUser(t.db, alice, (tx) =>
          tx.execute(
            sql`insert into ai_coach_logs (user_id, session_id, user_message, ai_response) values (${alice.id}, 's', 'm', 'r')`,
          ),
        ),
      ),
    ).toMatch(/permission denied/);
    expect(
      await databaseError(
        asUser(t.db, alice, (tx) =>
          tx.execute(
            sql`insert into ai_coach_notes (user_id, note, type) values (${alice.id}, 'n', 'weekly_summary')`,
          ),
        ),
      ),
    ).toMatch(/permission denied/);
  });

  it('leaves the anon role with nothing', async () => {
    const { asRole } = await import('@ours/platform/db');
    expect(
      await databaseError(
        asRole(t.db, { role: 'anon' }, (tx) => tx.execute(sql`select * from ai_coach_logs`)),
      ),
    ).toMatch(/permission denied/);
  });
});
