import { sql } from 'kysely';
import type { CoachExecutor } from '../../db/coach-database.ts';

/** A counter ('global' or a user's id) that refused a request, as it stood then. */
export interface RefusingCounter {
  subject: string;
  token_limit: number | null;
  cost_limit_usd: number | null;
  tokens_used: number;
  cost_used_usd: number;
  tokens_reserved: number;
  cost_reserved_usd: number;
}

export interface ReserveOutcome {
  /** The reservation to settle; null when refused or when no budget applies. */
  reservation: string | null;
  refused: RefusingCounter[];
  /** With a reservation: the counters it holds (a counter is touched only while a budget applies). */
  counts_user?: boolean;
  counts_global?: boolean;
}

export interface ReserveRequest {
  userId: string;
  period: string;
  /** The models the call may end up using (primary and fallback): the dearest prices the maximum. */
  models: string[];
  promptTokens: number;
  maxCompletionTokens: number;
  at: Date;
  expiresAt: Date;
}

/** Admits or refuses one request in ONE statement (`coach_budget_reserve`, see its migration). */
export async function reserveBudget(tx: CoachExecutor, request: ReserveRequest): Promise<ReserveOutcome> {
  const { rows } = await sql<{ outcome: ReserveOutcome }>`select public.coach_budget_reserve(
    ${request.userId}::uuid, ${request.period}::text, ${request.models}::text[],
    ${request.promptTokens}::bigint, ${request.maxCompletionTokens}::bigint,
    ${request.at}::timestamptz, ${request.expiresAt}::timestamptz) as outcome`.execute(tx);
  const outcome = rows[0]?.outcome;
  if (!outcome) throw new Error('coach_budget_reserve answered no row');
  return outcome;
}

export interface SettleRequest {
  reservation: string;
  /** The counters the reservation was made on, as the reserve answered. */
  countsUser: boolean;
  countsGlobal: boolean;
  userId: string;
  period: string;
  /** The model that answered, or the primary one when none did. */
  model: string;
  models: string[];
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  at: Date;
}

/** One counter before and after a settlement. */
export interface SettledCounter {
  subject: string;
  tokens_before: number;
  tokens_after: number;
  cost_before: number;
  cost_after: number;
}

export interface SettleOutcome {
  counters: SettledCounter[];
  /** The limits in force for this user and globally (subject = the user's id or 'global'). */
  limits: { subject: string; token_limit: number | null; cost_limit_usd: number | null }[];
}

/** Releases a reservation and adds what the call used, in ONE statement (`coach_budget_settle`). */
export async function settleBudget(tx: CoachExecutor, request: SettleRequest): Promise<SettleOutcome> {
  const { rows } = await sql<{ outcome: SettleOutcome }>`select public.coach_budget_settle(
    ${request.reservation}::uuid, ${request.userId}::uuid, ${request.period}::text, ${request.model}::text,
    ${request.models}::text[], ${request.promptTokens}::bigint, ${request.completionTokens}::bigint,
    ${request.cachedTokens}::bigint, ${request.at}::timestamptz,
    ${request.countsUser}::boolean, ${request.countsGlobal}::boolean) as outcome`.execute(tx);
  const outcome = rows[0]?.outcome;
  if (!outcome) throw new Error('coach_budget_settle answered no row');
  return outcome;
}

/** Releases reservations past their expiry (a crashed process's); answers how many. */
export async function sweepExpiredReservations(tx: CoachExecutor, at: Date): Promise<number> {
  const { rows } = await sql<{
    swept: number;
  }>`select public.coach_budget_sweep(${at}::timestamptz) as swept`.execute(tx);
  return rows[0]?.swept ?? 0;
}

/** Whether any budget has a limit: with none, /ask skips budgets altogether. */
export async function anyBudgetConfigured(tx: CoachExecutor): Promise<boolean> {
  const row = await tx
    .selectNoFrom((eb) =>
      eb
        .exists(
          eb
            .selectFrom('coach_budgets')
            .select(sql`1`.as('one'))
            .where((w) => w.or([w('token_limit', 'is not', null), w('cost_limit_usd', 'is not', null)])),
        )
        .as('any'),
    )
    .executeTakeFirstOrThrow();
  return row.any === true;
}
