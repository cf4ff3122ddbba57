import { errorResponses, type RouteScope } from '@ours/platform/http';
import type { AppContext } from '../../context.ts';
import { MoodLog, MoodLogInput, MoodLogList, MoodLogsQuery } from './mood-logs.schema.ts';
import { logMood, moodHistory } from './mood-logs.service.ts';

export async function moodLogRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  const security = [{ bearerAuth: [] }];
  app.post(
    '/mood-logs',
    {
      schema: {
        tags: ['mood'],
        summary: 'Log mood and stress (1-10 each)',
        operationId: 'createMoodLog',
        security,
        body: MoodLogInput,
        // 409 `account_reset`: the account was erased by another instance mid-request; retry.
        response: { 201: MoodLog, ...errorResponses(400, 401, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return logMood(ctx, request.user, request.body);
    },
  );
  app.get(
    '/mood-logs',
    {
      schema: {
        tags: ['mood'],
        summary: "The user's mood logs in [from, to), newest first",
        operationId: 'listMoodLogs',
        security,
        querystring: MoodLogsQuery,
        response: { 200: MoodLogList, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => ({ items: await moodHistory(ctx, request.user, request.query) }),
  );
}
