/** The budgets module as other modules see it: everything else in this folder is its own. */

export { estimatePromptTokens, estimateTextTokens, tokensUsedBy } from './budget-estimate.ts';
export {
  admitToBudget,
  type BudgetAdmission,
  type BudgetHold,
  settleBudgetHold,
  type TokensUsed,
} from './budget-guard.ts';
export { budgetExhaustedReply } from './budget-reply.ts';
export { budgetRoutes } from './budgets.routes.ts';
export { type BudgetsConfig, budgetsConfigFromEnv } from './budgets-config.ts';
