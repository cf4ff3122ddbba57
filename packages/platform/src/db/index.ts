import type { Database, DatabaseLocation } from './database.ts';
import { migrate, migratePostgres, pgliteMigrationClient } from './migrate.ts';
import { openPglite, pgliteDatabase } from './pglite-database.ts';
import { postgresDatabase } from './postgres-database.ts';

export { compileOnce } from './compile-once.ts';
export type {
  Database,
  DatabaseConnection,
  DatabaseLocation,
  Executor,
  TransactionOptions,
} from './database.ts';
export { type KeysetCursor, olderThan } from './keyset.ts';
export type { NotificationHandlers, StopListening } from './notifications.ts';
export { openPglite, pgliteDatabase } from './pglite-database.ts';
export { postgresDatabase } from './postgres-database.ts';
export { preparedStatement } from './prepared-marker.ts';
export { asRole, asUser, claimSettings, queryAs, type RequestClaims, userClaims } from './rls.ts';
export { type AfterCommit, afterCommit, runTransaction } from './transaction.ts';
export { isoTimestamp } from './type-parsers.ts';

export interface OpenDatabaseOptions extends DatabaseLocation {
  migrationsDir: string;
  /** Advisory-lock key and log name for this service's migrations. */
  service: string;
  /** Non-superuser role the service runs as. */
  runtimeRole: string;
}

/** Opens the service's database, applying pending migrations first (as the owner). */
export async function openDatabase<DB>(options: OpenDatabaseOptions): Promise<Database<DB>> {
  const lockName = `migrations:${options.service}`;
  if (options.url) {
    await migratePostgres(options.adminUrl ?? options.url, options.migrationsDir, lockName);
    return postgresDatabase<DB>(options.url, options.runtimeRole, options.poolSize);
  }
  const client = await openPglite(options.dataDir);
  try {
    await migrate(pgliteMigrationClient(client), options.migrationsDir, lockName);
    return await pgliteDatabase<DB>(client, options.runtimeRole);
  } catch (error) {
    await client.close();
    throw error;
  }
}
export type {
  Generated,
  Int8,
  Json,
  JsonObject,
  JsonPrimitive,
  JsonValue,
  Numeric,
  Timestamp,
} from './column-types.ts';
