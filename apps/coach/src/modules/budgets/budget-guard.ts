import { queryAs } from '@ours/platform/db';
import type { AppContext } from '../../context.ts';
import type { AlertLog } from '../alerts/index.ts';
import { serviceRole } from '../shared/service-role.ts';
import { alertOnLevel } from './budget-alerts.ts';
import { budgetPeriod } from './budget-period.ts';
import { budgetsOn } from './budget-switch.ts';
import {
  type ReserveRequest,
  reserveBudget,
  type SettleOutcome,
  settleBudget,
  sweepExpiredReservations,
} from './budgets.repository.ts';

/** What /ask may do: call the model (holding a reservation, or with no budget at all) or not. */
export type BudgetAdmission =
  | { kind: 'unlimited' }
  | { kind: 'refused' }
  | { kind: 'admitted'; hold: BudgetHold };

/** A request's reservation, to settle once the call is over whatever happened. */
export interface BudgetHold {
  reservation: string;
  userId: string;
  period: string;
  models: string[];
  /** The counters the reservation holds: the user's, the global one, or both. */
  countsUser: boolean;
  countsGlobal: boolean;
}

export interface TokensUsed {
  /** The model that answered; null when none did (priced as the primary model, the first configured one). */
  model: string | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
}

// A reservation outlives the longest call (LLM_TIMEOUT_MS covers both models) by this much before a
// refused request may sweep it away as a crashed process's.
const reservationGraceMs = 60_000;

const unlimited: BudgetAdmission = { kind: 'unlimited' };

function modelsOf(ctx: AppContext): string[] {
  const { model, fallbackModel } = ctx.config.llm;
  return fallbackModel && fallbackModel !== model ? [model, fallbackModel] : [model];
}

/**
 * Reserves the request's maximum (prompt estimate + LLM_MAX_TOKENS, and its cost at the dearest
 * model's price) against the user's and the global budget in one atomic statement. No budget
 * configured anywhere: no database round trip at all (see budget-switch.ts); none that applies to
 * this user: one read, no write and nothing to settle.
 */
export async function admitToBudget(
  ctx: AppContext,
  userId: string,
  promptTokens: number,
  log: AlertLog,
): Promise<BudgetAdmission> {
  if (!(await budgetsOn(ctx))) return unlimited;
  const at = ctx.now();
  const request: ReserveRequest = {
    userId,
    period: budgetPeriod(at, ctx.config.jobs.timeZone),
    models: modelsOf(ctx),
    promptTokens,
    maxCompletionTokens: ctx.config.llm.maxTokens,
    at,
    expiresAt: new Date(at.getTime() + ctx.config.llm.timeoutMs + reservationGraceMs),
  };
  const db = queryAs(ctx.db, serviceRole);
  let outcome = await reserveBudget(db, request);
  // What stands in the way may be a crashed process's reservations: release expired ones, try again.
  const heldBack = outcome.refused.some((c) => c.tokens_reserved > 0 || c.cost_reserved_usd > 0);
  if (heldBack && (await sweepExpiredReservations(db, at)) > 0) outcome = await reserveBudget(db, request);
  if (outcome.refused.length > 0) {
    for (const counter of outcome.refused) {
      await alertOnLevel(
        ctx,
        {
          subject: counter.subject,
          period: request.period,
          tokensUsed: counter.tokens_used,
          costUsed: counter.cost_used_usd,
          tokenLimit: counter.token_limit,
          costLimit: counter.cost_limit_usd,
        },
        log,
      );
    }
    return { kind: 'refused' };
  }
  if (outcome.reservation === null) return unlimited;
  return {
    kind: 'admitted',
    hold: {
      reservation: outcome.reservation,
      userId,
      period: request.period,
      models: request.models,
      countsUser: outcome.counts_user === true,
      countsGlobal: outcome.counts_global === true,
    },
  };
}

/**
 * Releases the reservation and counts what the call used (on every path: answered, failed, blocked,
 * abandoned), then raises the alerts the new level calls for. A failure here is logged, never the
 * user's problem: the reservation then expires and is swept.
 */
export async function settleBudgetHold(
  ctx: AppContext,
  hold: BudgetHold,
  used: TokensUsed,
  log: AlertLog,
): Promise<void> {
  let outcome: SettleOutcome;
  try {
    outcome = await settleBudget(queryAs(ctx.db, serviceRole), {
      reservation: hold.reservation,
      countsUser: hold.countsUser,
      countsGlobal: hold.countsGlobal,
      userId: hold.userId,
      period: hold.period,
      model: used.model ?? hold.models[0] ?? ctx.config.llm.model,
      models: hold.models,
      promptTokens: used.promptTokens,
      completionTokens: used.completionTokens,
      cachedTokens: used.cachedTokens,
      at: ctx.now(),
    });
  } catch (error) {
    log.warn({ err: error, reservation: hold.reservation }, 'could not settle a budget reservation');
    return;
  }
  for (const counter of outcome.counters) {
    const limits = outcome.limits.find((limit) => limit.subject === counter.subject);
    if (!limits || (limits.token_limit === null && limits.cost_limit_usd === null)) continue;
    await alertOnLevel(
      ctx,
      {
        subject: counter.subject,
        period: hold.period,
        tokensUsed: counter.tokens_after,
        costUsed: counter.cost_after,
        tokenLimit: limits.token_limit,
        costLimit: limits.cost_limit_usd,
      },
      log,
    );
  }
}
