import { queryAs } from '@ours/platform/db';
import { errorResponses, type RouteScope } from '@ours/platform/http';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { serviceRoleScope } from '../shared/service-role-scope.ts';
import { alertCounts, recentAlerts } from './alerts.repository.ts';
import { AlertsOverview } from './alerts.schema.ts';

/** Alert delivery state for a service-role token: what was raised, sent, retried or given up on. */
export async function alertRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  await serviceRoleScope(app, ctx, async (scope) => {
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
