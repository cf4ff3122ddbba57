import { bearerToken } from '@ours/platform/auth';
import { queryAs } from '@ours/platform/db';
import { AppError } from '@ours/platform/errors';
import { encapsulate, errorResponses, type RouteScope, requireDeclaredErrors } from '@ours/platform/http';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { alertCounts, recentAlerts } from './alerts.repository.ts';
import { AlertsOverview } from './alerts.schema.ts';

/** Alert delivery state for a service-role token: what was raised, sent, retried or given up on. */
export async function alertRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  await encapsulate(app, async (scope) => {
    requireDeclaredErrors(scope, () => [401, 403, 429]);
    scope.addHook('onRequest', async (request) => {
      try {
        await ctx.verifyServiceToken(bearerToken(request.headers.authorization));
      } catch (error) {
        if (error instanceof AppError && error.statusCode === 401)
          await app.limitAnonymous(request, request.ip);
        throw error;
      }
    });
    scope.get(
      '/admin/alerts',
      {
        schema: {
          tags: ['operations'],
          summary: 'Operator alerts and their webhook delivery (service role)',
          operationId: 'listAlerts',
          security: [{ bearerAuth: [] }],
          response: { 200: AlertsOverview, ...errorResponses(401, 403, 429) },
        },
      },
      async () => ({
        webhook_configured: ctx.config.alerts.webhookUrl !== undefined,
        format: ctx.config.alerts.format,
        counts: await alertCounts(queryAs(ctx.db, serviceRole)),
        recent: await recentAlerts(queryAs(ctx.db, serviceRole), 50),
      }),
    );
  });
}
