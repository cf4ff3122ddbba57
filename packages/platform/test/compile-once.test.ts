import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { compileOnce } from '../src/db/compile-once.ts';

interface Schema {
  things: { id: string; kind: string; size: number };
}
const db = new Kysely<Schema>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new PostgresIntrospector(kysely),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

describe('compileOnce', () => {
  it('builds once, then reuses the text with each call’s values', () => {
    let builds = 0;
    const byKind = compileOnce((kysely: Kysely<Schema>, kind: string, size: number) => {
      builds += 1;
      return kysely.selectFrom('things').select('id').where('kind', '=', kind).where('size', '>', size);
    });
    const first = byKind(db, 'a', 1).compile();
    const second = byKind(db, 'b', 2).compile();
    expect(second.sql).toBe(first.sql);
    expect(second.parameters).toEqual(['b', 2]);
    expect(builds).toBe(1);
  });

  it('compiles every time when a value is used twice or transformed', () => {
    let builds = 0;
    const twice = compileOnce((kysely: Kysely<Schema>, kind: string) => {
      builds += 1;
      return kysely.selectFrom('things').select('id').where('kind', '=', kind).where('id', '=', kind);
    });
    twice(db, 'a').compile();
    expect(twice(db, 'b').compile().parameters).toEqual(['b', 'b']);
    const prefixed = compileOnce((kysely: Kysely<Schema>, kind: string) => {
      builds += 1;
      return kysely.selectFrom('things').select('id').where('kind', '=', `${kind}%`);
    });
    prefixed(db, 'a').compile();
    expect(prefixed(db, 'b').compile().parameters).toEqual(['b%']);
    expect(builds).toBe(4);
  });

  it('puts values where the SQL names them, in whatever order, learning only from distinct values', () => {
    let builds = 0;
    const pair = compileOnce((kysely: Kysely<Schema>, a: string, b: string) => {
      builds += 1;
      return kysely.selectFrom('things').select('id').where('kind', '=', b).where('id', '=', a);
    });
    expect(pair(db, 'x', 'x').compile().parameters).toEqual(['x', 'x']);
    expect(pair(db, 'a', 'b').compile().parameters).toEqual(['b', 'a']);
    expect(pair(db, 'c', 'd').compile().parameters).toEqual(['d', 'c']);
    expect(builds).toBe(2);
  });

  it('leaves raw SQL with inlined pieces alone', () => {
    const raw = compileOnce((kysely: Kysely<Schema>, n: number) =>
      kysely.selectFrom('things').select(sql<number>`${n}::int`.as('n')),
    );
    expect(raw(db, 3).compile().parameters).toEqual([3]);
    expect(raw(db, 4).compile().parameters).toEqual([4]);
  });
});
