import { describe, expect, it } from 'vitest';
import { checkedJsonShape, checkedLiterals, generateSchemaTypes } from '../src/db/schema-codegen.ts';

describe('row types generated from the migrated schema', () => {
  it('types every column of every table and view, with defaults and nulls', async () => {
    const text = await generateSchemaTypes({
      migrationsDir: new URL('./fixtures/codegen-migrations/', import.meta.url).pathname,
      schemas: ['public', 'extra'],
      overrides: { 'things.payload': 'Json<JsonObject>' },
      command: 'test',
    });
    expect(text).toContain(`export interface Things {
  id: Generated<string>;
  kind: 'plain' | 'it\\'s' | 'odd-one';
  size: Numeric | null;
  total: Int8;
  tags: Generated<string[]>;
  payload: Json<JsonObject> | null;
  settings: Generated<Json<JsonObject>>;
  seen_at: Generated<Timestamp>;
  "Weird Name": number | null;
}`);
    expect(text).toContain('export interface ExtraNotes {\n  body: string;\n  flag: boolean | null;\n}');
    expect(text).toContain('export interface ThingKinds {\n  kind: string | null;\n  n: Int8 | null;\n}');
    expect(text).toContain('  "extra.notes": ExtraNotes;\n  thing_kinds: ThingKinds;\n  things: Things;');
    expect(text).toContain(
      "import type { Generated, Int8, Json, JsonObject, Numeric, Timestamp } from '@ours/platform/db';",
    );
  });

  it('reads JSON shapes from CHECK (jsonb_typeof(col) = ...)', () => {
    expect(checkedJsonShape("CHECK ((jsonb_typeof(metadata) = 'object'::text))")).toBe('Json<JsonObject>');
    expect(checkedJsonShape("CHECK ((jsonb_typeof(tags) = 'array'::text))")).toBe('Json<JsonValue[]>');
    expect(checkedJsonShape("CHECK ((jsonb_typeof(tags) <> 'array'::text))")).toBeUndefined();
  });

  it('reads literal unions from CHECK (col IN (...)) only', () => {
    expect(checkedLiterals("CHECK ((status = ANY (ARRAY['a'::text, 'b c'::text])))")).toEqual(['a', 'b c']);
    expect(checkedLiterals("CHECK ((kind = 'only'::text))")).toEqual(['only']);
    expect(checkedLiterals('CHECK ((char_length(name) <= 100))')).toBeUndefined();
    expect(checkedLiterals("CHECK (((status = 'a'::text) OR (other IS NULL)))")).toBeUndefined();
  });
});
