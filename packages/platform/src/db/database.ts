import type { PGlite } from '@electric-sql/pglite';
import type { Compilable, Kysely, Transaction } from 'kysely';
import type { NotificationHandlers, StopListening } from './notifications.ts';

/**
 * Whatever a repository runs its statements on: the pool (`db.kysely`), an open transaction, or a
 * one-trip scope (`db.withSettings`). Repositories take one and run their own SQL.
 */
export type Executor<DB> = Kysely<DB>;

/** How to reach the same database from another client (the job queue opens its own). */
export type DatabaseConnection = { kind: 'pglite'; client: PGlite } | { kind: 'postgres'; url: string };

export interface TransactionOptions {
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  readOnly?: boolean;
}

/** One interface over the embedded PGlite and a PostgreSQL server, typed by the app's schema. */
export interface Database<DB> {
  readonly kind: 'pglite' | 'postgres';
  readonly connection: DatabaseConnection;
  /** Statements on the pool, each in its own implicit transaction. */
  readonly kysely: Kysely<DB>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Transaction<DB>) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * An executor whose every statement travels in ONE message with these transaction-local settings
   * (`set_config(name, value, true)`), so the settings bind that statement alone: a transaction's
   * effect (BEGIN, settings, statement, COMMIT) for a quarter of the round trips. For hot reads
   * (row-level security scopes); multi-step writes belong in `transaction`.
   */
  withSettings(settings: Readonly<Record<string, string>>): Kysely<DB>;
  /**
   * Runs one query as a named prepared statement outside any transaction: each server connection
   * parses and plans it once, not per call. For the hottest fixed statements (the per-request
   * principal lookup); the compiled text must be the same on every call under one name.
   */
  prepared<R>(name: string, query: Compilable<R>): Promise<R[]>;
  /**
   * Hears NOTIFY on `channel` (from any instance on this database) until the returned function is
   * called; see notifications.ts for reconnection.
   */
  listen(channel: string, handlers: NotificationHandlers): Promise<StopListening>;
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
