import { asUser } from '@ours/platform/db';
import { decodeCursor, toPage } from '@ours/platform/http';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { listExchanges } from './history.repository.ts';
import { HistoryPage, HistoryQuery } from './history.schema.ts';

export async function historyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Querystring: HistoryQuery }>(
    '/history',
    {
      schema: {
        tags: ['coach'],
        summary: "The signed-in user's own past /ask exchanges, newest first",
        security: [{ bearerAuth: [] }],
        querystring: HistoryQuery,
        response: { 200: HistoryPage },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 20;
      const cursor = request.query.cursor ? decodeCursor(request.query.cursor) : undefined;
      const rows = await asUser(ctx.db, request.user, (tx) =>
        listExchanges(tx, request.user.id, limit, cursor),
      );
      return toPage(rows, limit, (row) => row.timestamp);
    },
  );
}
