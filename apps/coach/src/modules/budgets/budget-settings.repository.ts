import { sql } from 'kysely';
import type { CoachExecutor } from '../../db/coach-database.ts';

export type BudgetScope = 'global' | 'default' | 'user';

export interface BudgetLimits {
  token_limit: number | null;
  cost_limit_usd: number | null;
}

export interface BudgetWithUse extends BudgetLimits {
  scope: BudgetScope;
  user_id: string | null;
  tokens_used: number;
  cost_used_usd: number;
}

/**
 * Every budget with its use in `period`: the global and default ones always (NULL limits when
 * unset), then each explicit user budget. The default's use is what the users it governs (no budget
 * of their own) used together.
 */
export async function listBudgets(tx: CoachExecutor, period: string): Promise<BudgetWithUse[]> {
  const { rows } = await sql<BudgetWithUse>`
    with scopes(subject, scope) as (values ('global', 'global'), ('default', 'default'))
    select s.scope, null::uuid as user_id, b.token_limit, b.cost_limit_usd,
      coalesce(u.tokens_used, 0)::bigint as tokens_used, coalesce(u.cost_used_usd, 0)::numeric as cost_used_usd
    from scopes s
    left join public.coach_budgets b on b.subject = s.subject
    left join lateral (
      select sum(c.tokens_used) as tokens_used, sum(c.cost_used_usd) as cost_used_usd
      from public.coach_budget_usage c
      where c.period = ${period}
        and case when s.subject = 'global' then c.subject = 'global'
                 else c.subject <> 'global'
                   and not exists (select 1 from public.coach_budgets own where own.subject = c.subject) end
    ) u on true
    union all
    select 'user', b.user_id, b.token_limit, b.cost_limit_usd,
      coalesce(c.tokens_used, 0)::bigint, coalesce(c.cost_used_usd, 0)::numeric
    from public.coach_budgets b
    left join public.coach_budget_usage c on c.subject = b.subject and c.period = ${period}
    where b.user_id is not null
  `.execute(tx);
  // The global and default rows first, then users in a stable order.
  const rank = (row: BudgetWithUse) => ['global', 'default', 'user'].indexOf(row.scope);
  return rows.sort((a, b) => rank(a) - rank(b) || (a.user_id ?? '').localeCompare(b.user_id ?? ''));
}

/** Sets (or replaces) one budget: 'global', 'default' or a user's id. */
export async function putBudget(
  tx: CoachExecutor,
  subject: string,
  userId: string | null,
  limits: BudgetLimits,
): Promise<void> {
  await tx
    .insertInto('coach_budgets')
    .values({ subject, user_id: userId, ...limits })
    .onConflict((conflict) =>
      conflict.column('subject').doUpdateSet({ ...limits, updated_at: sql<string>`now()` }),
    )
    .execute();
}

/** Removes a user's own budget (the default governs them again); answers whether there was one. */
export async function deleteUserBudget(tx: CoachExecutor, userId: string): Promise<boolean> {
  const result = await tx.deleteFrom('coach_budgets').where('user_id', '=', userId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function userExists(tx: CoachExecutor, userId: string): Promise<boolean> {
  const row = await tx.selectFrom('auth.users').select('id').where('id', '=', userId).executeTakeFirst();
  return row !== undefined;
}
