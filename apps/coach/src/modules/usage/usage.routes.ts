import { errorResponses, type RouteScope } from '@ours/platform/http';
import type { AppContext } from '../../context.ts';
import { serviceRoleScope } from '../shared/service-role-scope.ts';
import { listPrices, setPrice } from './prices.service.ts';
import { PriceBody, PriceList, PriceParams, PriceVersion, UsageQuery, UsageReport } from './usage.schema.ts';
import { usageReport } from './usage-report.service.ts';

/** Usage, cost and the price table, for a service-role token only. */
export async function usageRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  await serviceRoleScope(app, ctx, async (scope) => {
    const security = [{ bearerAuth: [] }];

    scope.get(
      '/admin/usage',
      {
        schema: {
          tags: ['operations'],
          summary: 'Requests, tokens, cost and latency over a range, grouped (service role)',
          operationId: 'getUsage',
          security,
          querystring: UsageQuery,
          response: { 200: UsageReport, ...errorResponses(400, 401, 403, 429) },
        },
      },
      async (request) => usageReport(ctx, request.query),
    );

    scope.get(
      '/admin/prices',
      {
        schema: {
          tags: ['operations'],
          summary: 'Each model price in force and its history (service role)',
          operationId: 'listPrices',
          security,
          response: { 200: PriceList, ...errorResponses(401, 403, 429) },
        },
      },
      async () => ({ models: await listPrices(ctx) }),
    );

    scope.put(
      '/admin/prices/:model',
      {
        schema: {
          tags: ['operations'],
          summary: 'Add a price version for a model, effective now or later (service role)',
          operationId: 'setPrice',
          security,
          params: PriceParams,
          body: PriceBody,
          response: { 201: PriceVersion, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await setPrice(ctx, request.params.model, request.body, request.log)),
    );
  });
}
