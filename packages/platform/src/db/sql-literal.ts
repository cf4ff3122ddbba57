import pg from 'pg';
import { ValidationError } from '../errors.ts';

// A NUL would cut a simple-protocol message short (PostgreSQL text cannot hold one either).
function quoted(text: string): string {
  if (text.includes('\0'))
    throw new ValidationError('invalid_characters', 'Text may not contain a NUL character');
  // Doubles quotes and backslashes and switches to E'' form when needed: safe whatever
  // `standard_conforming_strings` says.
  return pg.escapeLiteral(text);
}

/** One element of a PostgreSQL array literal (`{"a","b\"c",NULL}`). */
function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return arrayText(value);
  const text = typeof value === 'string' ? value : plainText(value);
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function arrayText(values: readonly unknown[]): string {
  return `{${values.map(arrayElement).join(',')}}`;
}

/** A non-string value as the text PostgreSQL reads for it (numbers, booleans, dates, JSON). */
function plainText(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new Error('a statement cannot carry a non-finite number');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  return JSON.stringify(value);
}

/**
 * A value as an SQL literal, for statements sent without parameters. Strings, dates, arrays and
 * JSON become quoted literals of unknown type, which PostgreSQL types from context exactly as it
 * would a parameter. Numbers are parenthesised: bare, `1 -${-1}` would become the comment `1 --1`.
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'number' || typeof value === 'bigint') return `(${plainText(value)})`;
  if (typeof value === 'boolean') return plainText(value);
  if (Array.isArray(value)) return quoted(arrayText(value));
  return quoted(plainText(value));
}

/** Quotes an SQL identifier (role and channel names come from config or code, never from requests). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
