import type { Database, Executor } from '@ours/platform/db';
import type { DB } from './schema.generated.ts';

/** The lab's database, typed by its generated schema (`npm run db:types`). */
export type LabDatabase = Database<DB>;
/** What a lab repository runs on: the pool, a transaction, or a one-trip lab scope. */
export type LabExecutor = Executor<DB>;
export type { DB as LabSchema };
