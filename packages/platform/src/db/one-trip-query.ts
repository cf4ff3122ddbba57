import { is, SQL, sql } from 'drizzle-orm';
import { CasingCache } from 'drizzle-orm/casing';
import pg from 'pg';
import { ValidationError } from '../errors.ts';
import type { Database } from './database.ts';
import type { RequestClaims } from './rls.ts';

// A NUL would cut the one-message query short (PostgreSQL text cannot hold one either).
const literal = (value: string) => {
  if (value.includes('\0'))
    throw new ValidationError('invalid_characters', 'Text may not contain a NUL character');
  return pg.escapeLiteral(value);
};

/**
 * Renders a statement with every parameter inlined as an escaped literal. pg's `escapeLiteral`
 * doubles quotes and backslashes and switches to E'' form when needed, so the result is safe
 * whatever `standard_conforming_strings` says.
 */
function inline(statement: SQL): string {
  return statement.toQuery({
    casing: new CasingCache(),
    escapeName: (name) => `"${name.replaceAll('"', '""')}"`,
    escapeParam: () => {
      throw new Error('inline rendering must not emit placeholders');
    },
    escapeString: literal,
    inlineParams: true,
  }).sql;
}

/**
 * Drizzle renders inlined numbers bare, so `1 -${-1}` would become the comment `1 --1`: numbers are
 * parenthesised, and must be finite. Strings, booleans and null are rendered safely as they are.
 */
function safeNumbers(statement: SQL): SQL {
  return new SQL(
    statement.queryChunks.map((chunk) => {
      if (typeof chunk === 'number') {
        if (!Number.isFinite(chunk)) throw new Error('a one-trip query cannot inline a non-finite number');
        return sql.raw(`(${chunk})`);
      }
      // The extended protocol would send a Date as its ISO text; inlined, it would become toString().
      if (chunk instanceof Date) throw new Error('a one-trip query cannot inline a Date: pass toISOString()');
      return is(chunk, SQL) ? safeNumbers(chunk) : chunk;
    }),
  );
}

/**
 * Runs ONE statement with transaction-local settings in a single round trip: the settings and the
 * statement travel in one message and so share one implicit transaction, after which the settings
 * are gone. Same effect as a transaction (BEGIN, set, query, COMMIT) for a quarter of the round
 * trips; used on hot read paths. Multi-step writes still belong in transactions.
 */
export async function queryWithSettings<T>(
  db: Database,
  settings: Record<string, string>,
  statement: SQL,
): Promise<T[]> {
  if (Object.keys(settings).length === 0) throw new Error('queryWithSettings needs at least one setting');
  const assignments = Object.entries(settings).map(
    ([name, value]) => `set_config(${literal(name)}, ${literal(value)}, true)`,
  );
  return db.runScript<T>(`select ${assignments.join(', ')};\n${inline(safeNumbers(statement))}`);
}

/** `queryWithSettings` as a role with JWT claims (ADR 0003): row-level security as that user. */
export async function queryAs<T>(db: Database, claims: RequestClaims, statement: SQL): Promise<T[]> {
  return queryWithSettings<T>(
    db,
    { role: claims.role, 'request.jwt.claims': JSON.stringify(claims) },
    statement,
  );
}
