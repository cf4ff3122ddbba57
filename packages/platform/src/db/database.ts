import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/** Drizzle over either backend; a transaction is the same shape, so repositories take either. */
export type Orm = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;
/** Whatever a repository runs its statements on: the pool or an open transaction. */
export type Executor = Orm;

/** How to reach the same database from another client (the job queue opens its own). */
export type DatabaseConnection = { kind: 'pglite'; client: PGlite } | { kind: 'postgres'; url: string };

/** One interface over the embedded PGlite and a PostgreSQL server. */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly connection: DatabaseConnection;
  readonly orm: Orm;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
  /**
   * Sends a script of several statements as ONE simple-protocol message: PostgreSQL runs it as a
   * single implicit transaction and this returns the last statement's rows. Values must already be
   * inlined as escaped literals; use `queryAs`, never build scripts by hand.
   */
  runScript<T>(script: string): Promise<T[]>;
  /**
   * Runs one parameterised statement as a named prepared statement outside any transaction: each
   * server connection parses and plans it once, not per call. For the hottest fixed statements (the
   * per-request principal lookup); `text` uses $1, $2... placeholders and must be constant per name.
   */
  prepared<T>(name: string, text: string, values: unknown[]): Promise<T[]>;
  /** Cheap liveness check for `/health`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Where the data lives: a PGlite directory (or `memory://`) by default, a server URL otherwise. */
export interface DatabaseLocation {
  /** Runtime connection string; when unset, PGlite in `dataDir`. */
  url?: string | undefined;
  /** Connection used for migrations (table owner); defaults to `url`. */
  adminUrl?: string | undefined;
  /** PGlite data directory, or `memory://`. */
  dataDir: string;
  poolSize?: number | undefined;
}
