import { Type } from 'typebox';

// Far beyond any real budget, and exact in a JS number (tokens) and in numeric(14, 6) (USD).
const maxTokenLimit = 1_000_000_000_000;
const maxCostLimit = 10_000_000;

export const BudgetBody = Type.Object(
  {
    token_limit: Type.Union([Type.Integer({ minimum: 0, maximum: maxTokenLimit }), Type.Null()], {
      description: 'Tokens (prompt + completion) per calendar month; null for no token limit',
    }),
    cost_limit_usd: Type.Union([Type.Number({ minimum: 0, maximum: maxCostLimit }), Type.Null()], {
      description: 'USD per calendar month at the model_prices in force; null for no cost limit',
    }),
  },
  { additionalProperties: false },
);
export type BudgetBody = Type.Static<typeof BudgetBody>;

export const UserBudgetParams = Type.Object(
  { userId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const BudgetEntry = Type.Object({
  scope: Type.Union([Type.Literal('global'), Type.Literal('default'), Type.Literal('user')]),
  user_id: Type.Union([Type.String(), Type.Null()]),
  token_limit: Type.Union([Type.Integer(), Type.Null()]),
  cost_limit_usd: Type.Union([Type.Number(), Type.Null()]),
  tokens_used: Type.Integer(),
  cost_used_usd: Type.Number(),
});

export const BudgetsOverview = Type.Object({
  period: Type.String({ description: 'The calendar month in COACH_TIMEZONE, YYYY-MM' }),
  budgets: Type.Array(BudgetEntry),
});
