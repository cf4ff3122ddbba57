import { errorResponses, type RouteScope } from '@ours/platform/http';
import type { AppContext } from '../../context.ts';
import { userPage } from '../shared/user-page.ts';
import { listExchanges } from './history.repository.ts';
import { HistoryPage, HistoryQuery } from './history.schema.ts';

export async function historyRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  app.get(
    '/history',
    {
      schema: {
        tags: ['coach'],
        summary: "The signed-in user's own past /ask exchanges, newest first",
        operationId: 'listHistory',
        security: [{ bearerAuth: [] }],
        querystring: HistoryQuery,
        response: { 200: HistoryPage, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      return userPage(ctx, request.user, request.query, listExchanges, (row) => row.timestamp);
    },
  );
}
