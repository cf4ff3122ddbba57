import { asRole, queryAs } from '@ours/platform/db';
import { ConflictError, ValidationError } from '@ours/platform/errors';
import type { AppContext } from '../../context.ts';
import type { AlertLog } from '../alerts/index.ts';
import { serviceRole } from '../shared/service-role.ts';
import { resolvePriceMissing } from './price-alerts.ts';
import {
  insertPriceVersion,
  listPriceVersions,
  lockPrices,
  type PriceVersion,
  priceFor,
} from './prices.repository.ts';

/**
 * Applies MODEL_PRICES at start: a model whose price in force differs (or that has none) gets a new
 * version effective now; an equal price adds nothing, so restarts and several instances add one
 * version per change. Prices are never updated: history keeps what each call was charged.
 */
export async function applyConfiguredPrices(ctx: AppContext, log: AlertLog): Promise<string[]> {
  const configured = ctx.config.usage.prices;
  if (configured.size === 0) return [];
  const added = await asRole(ctx.db, serviceRole, async (tx) => {
    await lockPrices(tx);
    const models: string[] = [];
    const now = ctx.now();
    for (const [model, price] of configured) {
      const current = await priceFor(tx, model, now);
      const cachedInput = price.cachedInput ?? null;
      if (
        current &&
        current.input_per_million === price.input &&
        current.output_per_million === price.output &&
        current.cached_input_per_million === cachedInput
      )
        continue;
      const version = await insertPriceVersion(tx, {
        model,
        input: price.input,
        output: price.output,
        cachedInput,
        effectiveFrom: now.toISOString(),
      });
      if (version) models.push(model);
    }
    return models;
  });
  await resolvePriceMissing(ctx, added, log);
  return added;
}

export interface PriceChange {
  input: number;
  output: number;
  cached_input?: number | null | undefined;
  effective_from?: string | undefined;
}

/**
 * Adds a price version for a model (PUT /admin/prices/:model). It takes effect at `effective_from`
 * (default now), never in the past: calls already logged keep the price they were charged at.
 */
export async function setPrice(
  ctx: AppContext,
  model: string,
  change: PriceChange,
  log: AlertLog,
): Promise<PriceVersion> {
  const now = ctx.now();
  const effectiveFrom = change.effective_from === undefined ? now : new Date(change.effective_from);
  if (Number.isNaN(effectiveFrom.getTime()))
    throw new ValidationError('invalid_effective_from', 'effective_from must be an RFC 3339 timestamp');
  // A second of slack for clocks and request time; anything earlier would rewrite history.
  if (effectiveFrom.getTime() < now.getTime() - 1_000)
    throw new ValidationError('effective_from_in_past', 'effective_from must not be in the past');
  for (const [key, value] of [
    ['input', change.input],
    ['output', change.output],
    ['cached_input', change.cached_input ?? 0],
  ] as const)
    if (Math.round(value * 1e6) / 1e6 !== value)
      throw new ValidationError('invalid_price', `${key} has more than 6 decimals`);
  const version = await asRole(ctx.db, serviceRole, async (tx) => {
    await lockPrices(tx);
    return insertPriceVersion(tx, {
      model,
      input: change.input,
      output: change.output,
      cachedInput: change.cached_input ?? null,
      effectiveFrom: effectiveFrom.toISOString(),
    });
  });
  if (!version)
    throw new ConflictError('price_exists', `${model} already has a price effective at that instant`);
  await resolvePriceMissing(ctx, [model], log);
  return version;
}

export interface ModelPrices {
  model: string;
  current: PriceVersion | null;
  versions: PriceVersion[];
}

/** Every model's price in force now and its full history, newest first. */
export async function listPrices(ctx: AppContext): Promise<ModelPrices[]> {
  const now = ctx.now().getTime();
  const byModel = new Map<string, ModelPrices>();
  for (const version of await listPriceVersions(queryAs(ctx.db, serviceRole))) {
    let entry = byModel.get(version.model);
    if (!entry) {
      entry = { model: version.model, current: null, versions: [] };
      byModel.set(version.model, entry);
    }
    entry.versions.push(version);
    if (entry.current === null && Date.parse(version.effective_from) <= now) entry.current = version;
  }
  return [...byModel.values()];
}
