import { is, SQL, sql } from 'drizzle-orm';
import { CasingCache } from 'drizzle-orm/casing';
import pg from 'pg';
import type { Database } from './database.ts';
import type { RequestClaims } from './rls.ts';

const literal = (value: string) => pg.escapeLiteral(value);

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
        if (!Number.isFinite(chunk)) throw new Error('queryAs cannot inline a non-finite number');
        return sql.raw(`(${chunk})`);
      }
      return is(chunk, SQL) ? safeNumbers(chunk) : chunk;
    }),
  );
}

/**
 * Runs ONE statement as a role with JWT claims in a single round trip: the role switch and the
 * statement travel in one message and so share one implicit transaction, after which the role is
 * gone. Same effect as `asRole` (BEGIN, set, query, COMMIT) for a quarter of the round trips; used on
 * hot paths. Multi-step writes still belong in `asRole`/`asUser` transactions.
 */
export async function queryAs<T>(db: Database, claims: RequestClaims, statement: SQL): Promise<T[]> {
  const script = `select set_config('role', ${literal(claims.role)}, true), set_config('request.jwt.claims', ${literal(JSON.stringify(claims))}, true);\n${inline(safeNumbers(statement))}`;
  return db.runScript<T>(script);
}
