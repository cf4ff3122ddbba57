import type { Database, Executor } from '@ours/platform/db';
import type { DB } from './schema.generated.ts';

/** The coach's database, typed by its generated schema (`npm run db:types`). */
export type CoachDatabase = Database<DB>;
/** What a coach repository runs on: the pool, a transaction, or a one-trip role scope. */
export type CoachExecutor = Executor<DB>;
export type { DB as CoachSchema };
