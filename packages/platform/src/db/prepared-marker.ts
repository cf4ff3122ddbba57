import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';

const marker = '/*prepare*/';

/**
 * Ends a hot statement's SQL (`${preparedStatement}` at the end of a template, or
 * `.modifyEnd(preparedStatement)` on a query builder): on PostgreSQL each pooled connection then
 * parses and plans that text once, as a named prepared statement, instead of on every call, inside
 * transactions too. Only for statements whose text is fixed (values as parameters). PGlite sees a
 * comment.
 */
export const preparedStatement = sql.raw(` ${marker}`);

// A statement's name is a hash of its text: the same name can never stand for two texts.
const names = new Map<string, string>();
const nameOf = (text: string) => {
  let name = names.get(text);
  if (!name) {
    name = `p_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
};

/**
 * Makes a pool client run marked statements as named prepared statements (Kysely calls
 * `client.query(text, values)`; everything else passes through unchanged).
 */
export function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (args.length === 2 && typeof text === 'string' && Array.isArray(values) && text.endsWith(marker)) {
      return query({ name: nameOf(text), text, values });
    }
    return query(...args);
  };
}
