import { asRole, queryAs } from '@ours/platform/db';
import { NotFoundError } from '@ours/platform/errors';
import { errorResponses, type RouteScope } from '@ours/platform/http';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { serviceRoleScope } from '../shared/service-role-scope.ts';
import { budgetPeriod } from './budget-period.ts';
import { deleteUserBudget, listBudgets, putBudget, userExists } from './budget-settings.repository.ts';
import { readBudgetSwitch } from './budget-switch.ts';
import { BudgetBody, BudgetsOverview, UserBudgetParams } from './budgets.schema.ts';

/**
 * Monthly budgets for /ask (service role): read them with this month's use, set the global one, the
 * default for users without their own, and a user's own. A change applies to the next request.
 */
export async function budgetRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  await serviceRoleScope(app, ctx, async (scope) => {
    const security = [{ bearerAuth: [] }];
    const tags = ['operations'];
    const service = () => queryAs(ctx.db, serviceRole);
    const overview = async () => {
      const period = budgetPeriod(ctx.now(), ctx.config.jobs.timeZone);
      return { period, budgets: await listBudgets(service(), period) };
    };

    scope.get(
      '/admin/budgets',
      {
        schema: {
          tags,
          summary: "Budgets and this month's use (service role)",
          operationId: 'listBudgets',
          security,
          response: { 200: BudgetsOverview, ...errorResponses(401, 403, 429) },
        },
      },
      overview,
    );

    for (const which of ['global', 'default'] as const) {
      scope.put(
        `/admin/budgets/${which}`,
        {
          schema: {
            tags,
            summary:
              which === 'global'
                ? 'Set the global monthly budget, all users together (service role)'
                : 'Set the monthly budget of every user without their own (service role)',
            operationId: which === 'global' ? 'putGlobalBudget' : 'putDefaultBudget',
            security,
            body: BudgetBody,
            response: { 200: BudgetsOverview, ...errorResponses(400, 401, 403, 413, 415, 429) },
          },
        },
        async (request) => {
          await putBudget(service(), which, null, request.body);
          await readBudgetSwitch(ctx);
          return overview();
        },
      );
    }

    scope.put(
      '/admin/budgets/users/:userId',
      {
        schema: {
          tags,
          summary:
            "Set a user's own monthly budget; both limits null exempts them from the default (service role)",
          operationId: 'putUserBudget',
          security,
          params: UserBudgetParams,
          body: BudgetBody,
          response: { 200: BudgetsOverview, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
        },
      },
      async (request) => {
        const { userId } = request.params;
        await asRole(ctx.db, serviceRole, async (tx) => {
          if (!(await userExists(tx, userId))) throw new NotFoundError('user_not_found', `No user ${userId}`);
          await putBudget(tx, userId, userId, request.body);
        });
        await readBudgetSwitch(ctx);
        return overview();
      },
    );

    scope.delete(
      '/admin/budgets/users/:userId',
      {
        schema: {
          tags,
          summary: "Remove a user's own budget: the default governs them again (service role)",
          operationId: 'deleteUserBudget',
          security,
          params: UserBudgetParams,
          response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request, reply) => {
        const { userId } = request.params;
        await asRole(ctx.db, serviceRole, async (tx) => {
          if (!(await userExists(tx, userId))) throw new NotFoundError('user_not_found', `No user ${userId}`);
          await deleteUserBudget(tx, userId);
        });
        await readBudgetSwitch(ctx);
        return reply.code(204).send(null);
      },
    );
  });
}
