import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Generated, Json, Numeric, Timestamp } from '../src/db/column-types.ts';
import type { Database } from '../src/db/database.ts';
import { openPglite, pgliteDatabase } from '../src/db/pglite-database.ts';
import { postgresDatabase } from '../src/db/postgres-database.ts';
import { queryAs, type RequestClaims } from '../src/db/rls.ts';
import { testAdminUrl, testDatabaseUrl } from '../src/testing/test-database.ts';

interface Schema {
  notes: { owner: string; body: string };
  literals: {
    id: Generated<number>;
    t: string | null;
    i: number | null;
    n: Numeric | null;
    a: (string | null)[] | null;
    j: Json | null;
    ts: Timestamp | null;
  };
}

// Supabase-style roles (created only where missing: on a server they are shared by every database),
// a table row-level security limits to the claims' `sub`, and a table of every literal kind.
const setup = `
  DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
      CREATE ROLE authenticated NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
      CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticator') THEN
      CREATE ROLE authenticator LOGIN NOINHERIT;
    END IF;
  END $$;
  GRANT authenticated, service_role TO authenticator;
  CREATE TABLE notes (owner text NOT NULL, body text NOT NULL);
  ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
  ALTER TABLE notes FORCE ROW LEVEL SECURITY;
  CREATE POLICY own_notes ON notes FOR SELECT TO authenticated
    USING (owner = nullif(current_setting('request.jwt.claims', true), '')::json ->> 'sub');
  GRANT SELECT ON notes TO authenticated;
  GRANT SELECT, INSERT ON notes TO service_role;
  INSERT INTO notes VALUES ('alice', 'a1'), ('bob', 'b1'), ('bob', 'b2');
  CREATE TABLE literals (id serial PRIMARY KEY, t text, i integer, n numeric, a text[], j jsonb, ts timestamptz);
  GRANT SELECT, INSERT ON literals TO service_role;
  GRANT USAGE ON SEQUENCE literals_id_seq TO service_role;`;

/** A fresh database with `setup` applied, reached as the non-superuser login through one connection. */
async function openDatabase(): Promise<Database<Schema>> {
  if (process.env.TEST_DB !== 'postgres') {
    const client = await openPglite('memory://');
    await client.exec(setup);
    return pgliteDatabase<Schema>(client, 'authenticator');
  }
  const name = `one_trip_test_${randomBytes(4).toString('hex')}`;
  const admin = async (database: string | undefined, script: string) => {
    const client = new pg.Client({ connectionString: database ? testDatabaseUrl(database) : testAdminUrl() });
    await client.connect();
    try {
      await client.query(script);
    } finally {
      await client.end();
    }
  };
  await admin(undefined, `CREATE DATABASE ${name}`);
  await admin(name, setup);
  const url = new URL(testDatabaseUrl(name));
  url.username = 'authenticator';
  // One pooled connection: "the next statement" runs on the very connection the scope used.
  const db = postgresDatabase<Schema>(url.toString(), 'authenticator', 1);
  return {
    ...db,
    close: async () => {
      await db.close();
      await admin(undefined, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

let db: Database<Schema>;
const alice: RequestClaims = { role: 'authenticated', sub: 'alice' };
const service: RequestClaims = { role: 'service_role' };

beforeAll(async () => {
  db = await openDatabase();
});
afterAll(async () => db?.close());

/** The role and claims the pool's connection has now, outside any scope. */
async function bareSession() {
  const { rows } = await sql<{ who: string; claims: string | null; custom: string | null }>`
    select current_user as who, nullif(current_setting('request.jwt.claims', true), '') as claims,
      nullif(current_setting('app.one_trip_test', true), '') as custom`.execute(db.kysely);
  return rows[0];
}

describe('queryAs: a role with claims for one statement in one round trip', () => {
  it('runs the statement as the role with the claims, under row-level security', async () => {
    const { rows } = await sql<{ who: string; sub: string; n: number }>`
      select current_user as who, current_setting('request.jwt.claims', true)::json ->> 'sub' as sub,
        (select count(*) from notes) as n`.execute(queryAs(db, { role: 'authenticated', sub: 'bob' }));
    expect(rows).toEqual([{ who: 'authenticated', sub: 'bob', n: 2 }]);
  });

  it('runs builder queries the same way', async () => {
    const rows = await queryAs(db, alice).selectFrom('notes').select(['owner', 'body']).execute();
    expect(rows).toEqual([{ owner: 'alice', body: 'a1' }]);
  });

  it('leaves nothing behind: the next statement runs as the bare login again', async () => {
    await queryAs(db, service).selectFrom('notes').selectAll().execute();
    expect(await bareSession()).toEqual({ who: 'authenticator', claims: null, custom: null });
  });

  it('leaves nothing behind after a failed statement either', async () => {
    await expect(sql`select 1 / 0`.execute(queryAs(db, alice))).rejects.toThrow(/division by zero/);
    expect(await bareSession()).toEqual({ who: 'authenticator', claims: null, custom: null });
  });

  it('keeps hostile claims from escaping the set_config literal', async () => {
    const claims = { ...alice, email: `a'@b.c'); select set_config('role','service_role',true); --\\'` };
    const { rows } = await sql<{ who: string; n: number }>`
      select current_user as who, (select count(*) from notes) as n`.execute(queryAs(db, claims));
    expect(rows).toEqual([{ who: 'authenticated', n: 1 }]);
  });

  it('is refused what the role may not do', async () => {
    await expect(
      queryAs(db, alice).insertInto('notes').values({ owner: 'alice', body: 'mine' }).execute(),
    ).rejects.toThrow(/permission denied/);
  });

  it('runs single statements only: a transaction needs db.transaction', async () => {
    await expect(
      queryAs(db, service)
        .transaction()
        .execute(async () => undefined),
    ).rejects.toThrow(/db\.transaction/);
  });
});

describe('withSettings', () => {
  it('sets any transaction-local settings for the statement, and they are gone after it', async () => {
    const value = `x'y\\z "q"`;
    const { rows } = await sql<{ custom: string }>`
      select current_setting('app.one_trip_test') as custom`.execute(
      db.withSettings({ 'app.one_trip_test': value }),
    );
    expect(rows).toEqual([{ custom: value }]);
    expect(await bareSession()).toEqual({ who: 'authenticator', claims: null, custom: null });
  });
});

describe('inlined values', () => {
  const asService = () => queryAs(db, service);

  it('keeps quotes, backslashes and SQL in text as data', async () => {
    const hostile = `x'); drop table notes; --\\ \\' "quoted" ${"'".repeat(3)} \u00e9 $$ $tag$`;
    const { rows } = await sql<{ value: string }>`select ${hostile}::text as value`.execute(
      queryAs(db, alice),
    );
    expect(rows[0]?.value).toBe(hostile);
    const { rows: count } = await sql<{ n: number }>`select count(*) as n from notes`.execute(asService());
    expect(count[0]?.n).toBe(3);
  });

  it('refuses text with a NUL character as a 400 invalid_characters, sending nothing', async () => {
    const attempt = asService().insertInto('literals').values({ t: 'a\0b' }).execute();
    await expect(attempt).rejects.toMatchObject({ statusCode: 400, code: 'invalid_characters' });
    const { rows } = await sql<{ n: number }>`select count(*) as n from literals where t like 'a%'`.execute(
      asService(),
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('keeps a negative number from turning the rest of the line into a comment', async () => {
    const { rows } = await sql<{ n: number }>`select 1 -${-1} as n`.execute(asService());
    expect(rows).toEqual([{ n: 2 }]);
  });

  it('refuses non-finite numbers', async () => {
    await expect(sql`select ${Number.POSITIVE_INFINITY}`.execute(asService())).rejects.toThrow(/non-finite/);
    await expect(sql`select ${Number.NaN}`.execute(asService())).rejects.toThrow(/non-finite/);
  });

  it('writes text, numbers, arrays, JSON and dates exactly as given', async () => {
    const values = {
      t: `it's a "test" \\ done`,
      i: -42,
      n: -1.25,
      a: ['plain', 'with "quotes"', "it's", 'back\\slash', null, '{braces,commas}', ''],
      j: JSON.stringify({ text: `it's "quoted" \\`, list: [1, -2.5, null], nested: { ok: true } }),
      ts: new Date('2026-01-02T03:04:05.006Z'),
    };
    const row = await asService()
      .insertInto('literals')
      .values(values)
      .returning(['t', 'i', 'n', 'a', 'j', 'ts'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      ...values,
      j: JSON.parse(values.j),
      ts: '2026-01-02T03:04:05.006+00:00',
    });
  });

  it('compares against array and JSON values in where clauses', async () => {
    const rows = await asService()
      .selectFrom('notes')
      .select('body')
      .where((eb) => eb('owner', '=', eb.fn.any(eb.val(['bob', "o'brien"]))))
      .orderBy('body')
      .execute();
    expect(rows).toEqual([{ body: 'b1' }, { body: 'b2' }]);
    const { rows: json } = await sql<{ j: unknown }>`select ${{ k: "v'", n: -1 }}::jsonb as j`.execute(
      asService(),
    );
    expect(json).toEqual([{ j: { k: "v'", n: -1 } }]);
  });
});
