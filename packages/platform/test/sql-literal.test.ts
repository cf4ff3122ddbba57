import { describe, expect, it } from 'vitest';
import { sqlLiteral } from '../src/db/sql-literal.ts';

describe('sqlLiteral', () => {
  it('quotes text so that no quote or backslash escapes it', () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral('C:\\dir')).toBe(" E'C:\\\\dir'");
  });

  it('parenthesises numbers, so a negative one cannot start a comment', () => {
    expect(`1 -${sqlLiteral(-1)}`).toBe('1 -(-1)');
    expect(sqlLiteral(10n)).toBe('(10)');
    expect(() => sqlLiteral(Number.NaN)).toThrow(/non-finite/);
  });

  it('writes arrays, JSON, dates and bytes as literals PostgreSQL types from context', () => {
    expect(sqlLiteral(['a', 'b"c', null, 'd\\e'])).toBe(` E'{"a","b\\\\"c",NULL,"d\\\\\\\\e"}'`);
    expect(sqlLiteral({ k: "v'" })).toBe(`'{"k":"v''"}'`);
    expect(sqlLiteral(new Date('2026-01-02T03:04:05.006Z'))).toBe("'2026-01-02T03:04:05.006Z'");
    expect(sqlLiteral(Buffer.from('ab'))).toBe(" E'\\\\x6162'");
    expect(sqlLiteral(null)).toBe('null');
    expect(sqlLiteral(true)).toBe('true');
  });

  it('refuses a NUL character with a 400', () => {
    expect(() => sqlLiteral('a\0b')).toThrow(
      expect.objectContaining({ statusCode: 400, code: 'invalid_characters' }),
    );
  });
});
