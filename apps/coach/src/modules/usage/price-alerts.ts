import { queryAs } from '@ours/platform/db';
import type { AppContext } from '../../context.ts';
import { type AlertDraft, type AlertLog, raiseAlertSafely, resolveAlertIncident } from '../alerts/index.ts';
import { serviceRole } from '../shared/service-role.ts';
import { unpricedModelsSince } from './prices.repository.ts';

/**
 * One incident per model: raised once, closed when a price for that model is added. A dated
 * snapshot ("gpt-4o-2024-08-06") shares its model's incident, as a price for "gpt-4o" covers it.
 */
export function priceMissingIncidentKey(model: string): string {
  return `price-missing:${undatedModel(model).slice(0, 180)}`;
}

/** The model without a provider's snapshot date suffix (the insert trigger's fallback name). */
export function undatedModel(model: string): string {
  return model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
}

/** A call to a model with no price in force was logged with its cost unknown. */
export function priceMissingAlert(model: string, at: Date): AlertDraft {
  const shown = model.slice(0, 200);
  return {
    kind: 'price_missing',
    incidentKey: priceMissingIncidentKey(model),
    text: [
      `[coach] No price for model "${shown}": a call at ${at.toISOString()} was logged with its cost unknown.`,
      `Add one: PUT /admin/prices/${encodeURIComponent(shown)} {"input": …, "output": …} or MODEL_PRICES.`,
      'Further unpriced calls to this model stay silent until a price is added.',
    ].join('\n'),
  };
}

/**
 * Raises it for the models of unpriced rows any writer logged since `since` (run by the minute's
 * rollup job: every writer is covered, within about a minute).
 */
export async function alertUnpricedSince(ctx: AppContext, since: Date, log: AlertLog): Promise<string[]> {
  if (!ctx.config.alerts.webhookUrl) return [];
  const models = await unpricedModelsSince(queryAs(ctx.db, serviceRole), since.toISOString());
  for (const model of models) await raiseAlertSafely(ctx, priceMissingAlert(model, ctx.now()), log);
  return models;
}

/** A price was added for these models: their price_missing incidents are over. */
export async function resolvePriceMissing(ctx: AppContext, models: Iterable<string>, log: AlertLog) {
  for (const model of models) await resolveAlertIncident(ctx, priceMissingIncidentKey(model), log);
}
