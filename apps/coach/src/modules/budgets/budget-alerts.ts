import type { AppContext } from '../../context.ts';
import { type AlertDraft, type AlertLog, raiseAlertSafely } from '../alerts/index.ts';

/** Share of a budget at which the operator is warned. */
export const thresholdShare = 0.8;

export interface CounterLevel {
  /** 'global' or a user's id. */
  subject: string;
  period: string;
  tokensUsed: number;
  costUsed: number;
  tokenLimit: number | null;
  costLimit: number | null;
}

function whose(subject: string): string {
  return subject === 'global' ? 'The global budget' : `The budget of user ${subject}`;
}

function figures(level: CounterLevel): string {
  const parts: string[] = [];
  if (level.tokenLimit !== null) parts.push(`${level.tokensUsed} of ${level.tokenLimit} tokens`);
  if (level.costLimit !== null) parts.push(`${level.costUsed.toFixed(4)} of ${level.costLimit} USD`);
  return parts.join(' and ');
}

/** 80% of a budget used: one incident per budget and period, so one alert per period. */
export function budgetThresholdAlert(level: CounterLevel): AlertDraft {
  return {
    kind: 'budget_threshold',
    incidentKey: `budget-threshold:${level.subject}:${level.period}`,
    text: `[coach] ${whose(level.subject)} for ${level.period} is over ${thresholdShare * 100}% used: ${figures(level)}. At 100% /ask answers with a budget_exhausted fallback until the budget is raised (PUT /admin/budgets/...) or the month ends.`,
  };
}

/** A budget is spent and /ask refuses: one incident per budget and period. */
export function budgetExhaustedAlert(level: CounterLevel): AlertDraft {
  return {
    kind: 'budget_exhausted',
    incidentKey: `budget-exhausted:${level.subject}:${level.period}`,
    text: `[coach] ${whose(level.subject)} for ${level.period} is spent: ${figures(level)}. /ask now answers with a budget_exhausted fallback and calls no model until the budget is raised or the month ends.`,
  };
}

function share(used: number, limit: number | null): number {
  if (limit === null) return 0;
  return limit <= 0 ? Number.POSITIVE_INFINITY : used / limit;
}

// Incident keys this process has raised in the current period (the database keeps it to one alert
// across instances): a budget past 80% costs one alert statement per process and period, not one
// per request. A new period starts an empty set, so the memory stays bounded.
const raised = new WeakMap<AppContext, { period: string; keys: Set<string> }>();

async function raiseOnce(ctx: AppContext, period: string, draft: AlertDraft, log: AlertLog): Promise<void> {
  let memo = raised.get(ctx);
  if (!memo || memo.period !== period) {
    memo = { period, keys: new Set() };
    raised.set(ctx, memo);
  }
  if (memo.keys.has(draft.incidentKey)) return;
  memo.keys.add(draft.incidentKey);
  await raiseAlertSafely(ctx, draft, log);
}

/** Raises what a counter's level calls for: the 80% warning, and the spent alert at 100%. */
export async function alertOnLevel(ctx: AppContext, level: CounterLevel, log: AlertLog): Promise<void> {
  const highest = Math.max(share(level.tokensUsed, level.tokenLimit), share(level.costUsed, level.costLimit));
  if (highest >= thresholdShare) await raiseOnce(ctx, level.period, budgetThresholdAlert(level), log);
  if (highest >= 1) await raiseOnce(ctx, level.period, budgetExhaustedAlert(level), log);
}
