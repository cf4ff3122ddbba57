import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database, Orm } from './database.ts';
import { quoteIdent } from './pglite-database.ts';

/**
 * A pooled PostgreSQL database. If the login turns out to be a superuser (handy in development),
 * every connection is demoted to the runtime role so row-level security still binds: superusers
 * bypass RLS even when it is forced.
 */
export function postgresDatabase(url: string, runtimeRole: string, poolSize = 10): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
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
  const orm = drizzle({ client: pool }) as unknown as Orm;
  return {
    kind: 'postgres',
    connection: { kind: 'postgres', url },
    orm,
    transaction: (fn) => orm.transaction(fn),
    prepared: async <T>(name: string, text: string, values: unknown[]) =>
      (await pool.query({ name, text, values })).rows as T[],
    runScript: async <T>(script: string) => {
      const result = (await pool.query(script)) as unknown as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows) as T[];
    },
    ping: async () => {
      await orm.execute(sql`select 1`);
    },
    close: () => pool.end(),
  };
}
