import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import {
  databaseSpanAttributes,
  spanTargetOfUrl,
  tracedDialect,
  traceStatement,
} from '../telemetry/db-tracing.ts';
import type { Database } from './database.ts';
import { listenOnServer } from './notifications.ts';
import { oneTripExecutors } from './one-trip.ts';
import { prepareMarkedStatements } from './prepared-marker.ts';
import { quoteIdent } from './sql-literal.ts';
import { runTransaction } from './transaction.ts';
import { valueParsers } from './type-parsers.ts';

/** pg's parsers with ours in front: the same values as PGlite gives (see type-parsers.ts). */
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    (format !== 'binary' && valueParsers[oid]) || pg.types.getTypeParser(oid, format),
};

/**
 * A pooled PostgreSQL database. If the login turns out to be a superuser (handy in development),
 * every connection is demoted to the runtime role so row-level security still binds: superusers
 * bypass RLS even when it is forced.
 */
export function postgresDatabase<DB>(url: string, runtimeRole: string, poolSize = 10): Database<DB> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
    // UTC sessions: timestamps come back in the form the value parsers read fastest; every time-zone
    // conversion in our SQL names its zone.
    options: '-c TimeZone=UTC',
    types,
    // Awaited by the pool before the client is handed out, so no query can overtake the demotion.
    onConnect: async (client) => {
      await client.query(
        `DO $$ BEGIN
           IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
             SET SESSION AUTHORIZATION ${quoteIdent(runtimeRole)};
           END IF;
         END $$`,
      );
    },
  });
  // @NOTE an idle client's network error must not crash the process; the pool drops that client.
  pool.on('error', () => {});
  // A checked-out client's too: pg-pool listens only on idle ones, and the server dying under load
  // ("terminating connection due to unexpected postmaster exit") stopped the whole process. The
  // query in flight fails with the same error, and the pool discards the client when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    prepareMarkedStatements(client);
  });
  // Database spans name the server and database, never the login (see telemetry/db-tracing.ts).
  const target = spanTargetOfUrl(url);
  const spanAttributes = databaseSpanAttributes(target);
  const kysely = new Kysely<DB>({ dialect: tracedDialect(new PostgresDialect({ pool }), target) });
  const runScript = async (script: string) => {
    // A multi-statement text answers one result per statement (pg's types say one).
    const result: pg.QueryResult | pg.QueryResult[] = await pool.query(script);
    const last = Array.isArray(result) ? result.at(-1) : result;
    return { rows: last?.rows ?? [], affected: last?.rowCount ?? undefined };
  };
  return {
    kind: 'postgres',
    connection: { kind: 'postgres', url },
    kysely,
    transaction: (fn, options) => runTransaction(kysely, fn, options),
    withSettings: oneTripExecutors<DB>(runScript, undefined, target),
    prepared: async (name, query) => {
      const compiled = query.compile();
      const result = await traceStatement(compiled.sql, spanAttributes, () =>
        pool.query({ name, text: compiled.sql, values: [...compiled.parameters] }),
      );
      // The rows of the query Kysely compiled (and typed) above.
      return result.rows as never[];
    },
    listen: (channel, handlers) => listenOnServer(url, channel, handlers),
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    // Kysely's destroy ends the pool it was given.
    close: () => kysely.destroy(),
  };
}
