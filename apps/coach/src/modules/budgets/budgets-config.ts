import { type Env, envInt } from '@ours/platform/config';

export interface BudgetsConfig {
  /**
   * How long this process trusts its answer to "is any budget configured?" (BUDGET_CACHE_MS). With
   * none, /ask pays no database round trip for budgets; a budget set through another instance takes
   * effect here within this long (at once through this instance's own admin routes).
   */
  cacheMs: number;
}

export function budgetsConfigFromEnv(env: Env): BudgetsConfig {
  return { cacheMs: envInt(env, 'BUDGET_CACHE_MS', { min: 0, max: 300_000 }) ?? 5_000 };
}
