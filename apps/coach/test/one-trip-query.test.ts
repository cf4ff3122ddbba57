import { type Database, queryAs, queryRows, userClaims } from '@ours/platform/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseError } from './support/coach-logs.ts';
import { seedCoachData } from './support/factories.ts';
import { createUser, openFileDatabase, type TestUser } from './support/test-app.ts';

let db: Database;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  db = await openFileDatabase();
  alice = await createUser();
  bob = await createUser();
  await seedCoachData(db, alice.id, alice.email);
  await seedCoachData(db, bob.id, bob.email);
});
afterAll(async () => db.close());

describe('queryAs (role switch and statement in one round trip)', () => {
  it('runs the statement as the role with the claims, under row-level security', async () => {
    const rows = await queryAs<{ who: string; uid: string; n: number }>(
      db,
      userClaims(alice),
      sql`select current_user as who, auth.uid()::text as uid, (select count(*)::int from mood_logs) as n`,
    );
    expect(rows).toEqual([{ who: 'authenticated', uid: alice.id, n: 1 }]);
  });

  it('leaves nothing behind: the next statement runs as the bare login again', async () => {
    await queryAs(db, { role: 'service_role' }, sql`select 1`);
    const [after] = await queryRows<{ who: string; claims: string | null }>(
      db.orm,
      sql`select current_user as who, nullif(current_setting('request.jwt.claims', true), '') as claims`,
    );
    expect(after).toEqual({ who: 'authenticator', claims: null });
  });

  it('keeps hostile values as data', async () => {
    const hostile = `x'); drop table mood_logs; --\\ \\' "quoted" ${"'".repeat(3)} \u00e9`;
    const [row] = await queryAs<{ value: string }>(
      db,
      userClaims(alice),
      sql`select ${hostile}::text as value`,
    );
    expect(row?.value).toBe(hostile);
    const [count] = await queryAs<{ n: number }>(
      db,
      { role: 'service_role' },
      sql`select count(*)::int as n from mood_logs`,
    );
    expect(count?.n).toBe(2);
  });

  it('keeps hostile claims from escaping the set_config literal', async () => {
    const claims = {
      ...userClaims(alice),
      email: `a'@b.c'); select set_config('role','service_role',true); --`,
    };
    const [row] = await queryAs<{ who: string; n: number }>(
      db,
      claims,
      sql`select current_user as who, (select count(*)::int from mood_logs) as n`,
    );
    expect(row).toEqual({ who: 'authenticated', n: 1 });
  });

  it('is refused what the role may not do', async () => {
    const message = await databaseError(
      queryAs(
        db,
        userClaims(alice),
        sql`insert into ai_coach_logs (user_id, session_id, user_message, ai_response) values (${alice.id}, 's', 'm', 'r')`,
      ),
    );
    expect(message).toMatch(/permission denied/);
  });
});

describe('queryAs number inlining', () => {
  it('keeps a negative number from turning the rest of the line into a comment', async () => {
    const [row] = await queryAs<{ n: number }>(db, { role: 'service_role' }, sql`select 1 -${-1} as n`);
    expect(Number(row?.n)).toBe(2);
  });

  it('refuses non-finite numbers', async () => {
    await expect(
      queryAs(db, { role: 'service_role' }, sql`select ${Number.POSITIVE_INFINITY}`),
    ).rejects.toThrow(/non-finite/);
  });
});
