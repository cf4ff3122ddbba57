import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Database,
  isoTimestamp,
  openPglite,
  pgliteDatabase,
  postgresDatabase,
} from '../src/db/index.ts';
import { testAdminUrl } from '../src/testing/index.ts';

const probe = sql<Record<string, unknown>>`select
  '2026-01-02 03:04:05.120+00'::timestamptz as stamp,
  '2026-01-02 03:04:05+00'::timestamptz as whole_second,
  '2026-01-02 03:04:05.000001+00'::timestamptz as micro,
  '2026-01-02 03:04:05.5'::timestamp as local_stamp,
  '2026-03-04'::date as day,
  9007199254740991::int8 as biggest,
  count(*) as counted,
  123456789.123456::numeric(20, 6) as amount,
  '1 day 02:00:00'::interval as span,
  '{"a": [1, 2.5, null], "b": {"c": "ü"}}'::jsonb as document,
  array[1, 2]::int8[] as bigs,
  array['2026-01-01 00:00:00+00']::timestamptz[] as stamps,
  array['1.5']::numeric[] as amounts
  from (values (1)) v`;

const expected = {
  stamp: '2026-01-02T03:04:05.12+00:00',
  whole_second: '2026-01-02T03:04:05+00:00',
  micro: '2026-01-02T03:04:05.000001+00:00',
  local_stamp: '2026-01-02T03:04:05.5',
  day: '2026-03-04',
  biggest: 9007199254740991,
  counted: 1,
  amount: 123456789.123456,
  span: '1 day 02:00:00',
  document: { a: [1, 2.5, null], b: { c: 'ü' } },
  bigs: [1, 2],
  stamps: ['2026-01-01T00:00:00+00:00'],
  amounts: [1.5],
};

describe('values come back the same from both engines', () => {
  let engines: [string, Database<unknown>][] = [];
  beforeAll(async () => {
    engines = [
      ['pglite', await pgliteDatabase(await openPglite('memory://'), 'postgres')],
      ['postgres', postgresDatabase(testAdminUrl(), 'postgres', 2)],
    ];
  });
  afterAll(async () => {
    for (const [, db] of engines) await db.close();
  });

  it.each(['pglite', 'postgres'])('on %s, in a transaction, on the pool and in one trip', async (name) => {
    const db = engines.find(([engine]) => engine === name)?.[1];
    if (!db) throw new Error(`no ${name}`);
    expect((await probe.execute(db.kysely)).rows[0]).toEqual(expected);
    expect((await db.transaction((tx) => probe.execute(tx))).rows[0]).toEqual(expected);
    expect((await probe.execute(db.withSettings({ 'app.probe': '1' }))).rows[0]).toEqual(expected);
  });

  it.each(['pglite', 'postgres'])('on %s, the same instant whatever the session time zone', async (name) => {
    const db = engines.find(([engine]) => engine === name)?.[1];
    if (!db) throw new Error(`no ${name}`);
    const scoped = db.withSettings({ TimeZone: 'America/St_Johns' });
    const { rows } = await sql<{
      stamp: string;
    }>`select '2026-07-01 12:00:00.25+00'::timestamptz as stamp`.execute(scoped);
    expect(rows[0]?.stamp).toBe('2026-07-01T12:00:00.25+00:00');
  });

  it.each(['pglite', 'postgres'])(
    'on %s, a bigint beyond 2^53 is an error, not a rounded number',
    async (name) => {
      const db = engines.find(([engine]) => engine === name)?.[1];
      if (!db) throw new Error(`no ${name}`);
      await expect(sql`select 9007199254740993::int8 as n`.execute(db.kysely)).rejects.toThrow(
        /beyond 2\^53/,
      );
    },
  );
});

describe('isoTimestamp', () => {
  it('turns any offset into UTC, keeping the fraction digit for digit', () => {
    expect(isoTimestamp('2026-03-29 01:30:00.123456-02:30')).toBe('2026-03-29T04:00:00.123456+00:00');
    expect(isoTimestamp('2026-12-31 23:59:59.9+01')).toBe('2026-12-31T22:59:59.9+00:00');
    expect(isoTimestamp('2024-02-29 00:00:00+05:45:30')).toBe('2024-02-28T18:14:30+00:00');
  });

  it('leaves what ISO 8601 cannot say as PostgreSQL wrote it', () => {
    for (const text of [
      'infinity',
      '-infinity',
      '0044-03-15 12:00:00+00 BC',
      '10000-01-01 00:00:00+00',
      '0099-01-01 00:00:00+00',
    ]) {
      expect(isoTimestamp(text)).toBe(text);
    }
  });
});

describe('isoTimestamp on the fast path and off it', () => {
  it('gives the same text for UTC values as the general rules would', () => {
    for (const [text, iso] of [
      ['2026-12-04 13:48:50.33188+00', '2026-12-04T13:48:50.33188+00:00'],
      ['2026-12-04 13:48:50+00', '2026-12-04T13:48:50+00:00'],
      ['2026-12-04 13:48:50.000001+00', '2026-12-04T13:48:50.000001+00:00'],
      ['2026-12-04 23:59:59.999999+00:30', '2026-12-04T23:29:59.999999+00:00'],
      ['0999-01-01 00:00:00+00', '0999-01-01 00:00:00+00'],
      ['2026-01-01 00:00:00+00 BC', '2026-01-01 00:00:00+00 BC'],
    ]) {
      expect(isoTimestamp(text as string)).toBe(iso);
    }
    expect(isoTimestamp('2026-12-04 13:48:50.5', false)).toBe('2026-12-04T13:48:50.5');
    expect(isoTimestamp('2026-12-04 13:48:50 BC', false)).toBe('2026-12-04 13:48:50 BC');
  });
});
