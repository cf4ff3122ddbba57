import { type Selectable, sql } from 'kysely';
import type { CoachExecutor, CoachSchema } from '../../db/coach-database.ts';

/** A price version as read from `model_prices` (USD per million tokens). */
export interface ModelPrice {
  id: number;
  input_per_million: number;
  output_per_million: number;
  /** NULL: cached prompt tokens are charged as input. */
  cached_input_per_million: number | null;
}

export type PriceVersion = Selectable<CoachSchema['model_prices']>;

/**
 * The price in force for a model at an instant: the version with the latest `effective_from` at or
 * before it (one backward probe of the unique (model, effective_from) index), or null.
 */
export async function priceFor(
  tx: CoachExecutor,
  model: string,
  at: Date | string,
): Promise<ModelPrice | null> {
  const row = await tx
    .selectFrom('model_prices')
    .select(['id', 'input_per_million', 'output_per_million', 'cached_input_per_million'])
    .where('model', '=', model)
    .where('effective_from', '<=', typeof at === 'string' ? at : at.toISOString())
    .orderBy('effective_from', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

/** Every version of every model's price, newest first within a model. */
export function listPriceVersions(tx: CoachExecutor): Promise<PriceVersion[]> {
  return tx
    .selectFrom('model_prices')
    .selectAll()
    .orderBy('model')
    .orderBy('effective_from', 'desc')
    .execute();
}

export interface NewPriceVersion {
  model: string;
  input: number;
  output: number;
  cachedInput: number | null;
  /** Defaults to the statement's now(). */
  effectiveFrom?: string | undefined;
}

/** Adds a version; undefined when that model already has a version at that instant. */
export async function insertPriceVersion(
  tx: CoachExecutor,
  price: NewPriceVersion,
): Promise<PriceVersion | undefined> {
  return tx
    .insertInto('model_prices')
    .values({
      model: price.model,
      input_per_million: price.input,
      output_per_million: price.output,
      cached_input_per_million: price.cachedInput,
      ...(price.effectiveFrom ? { effective_from: price.effectiveFrom } : {}),
    })
    .onConflict((conflict) => conflict.columns(['model', 'effective_from']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Serialises price changes across instances for the rest of the transaction. */
export async function lockPrices(tx: CoachExecutor): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('coach:model_prices'))`.execute(tx);
}

/**
 * The models logged without a price among rows logged since `since` that still have no price in
 * force now (for the alert sweep: a model priced since is not alerted again).
 */
export async function unpricedModelsSince(tx: CoachExecutor, since: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('ai_coach_logs as log')
    .select('log.model')
    .distinct()
    .where('log.timestamp', '>=', since)
    .where('log.model', 'is not', null)
    .where('log.price_id', 'is', null)
    // The price lookup the insert trigger uses (a dated snapshot takes its model's price).
    .where(sql<boolean>`not exists (select from public.coach_price_in_force(log.model, now()))`)
    .execute();
  return rows.flatMap((row) => (row.model === null ? [] : [row.model]));
}
