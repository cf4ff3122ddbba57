import type { RouteScope } from '@ours/platform/http';
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
        security,
        body: MoodLogInput,
        response: { 201: MoodLog },
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
        security,
        querystring: MoodLogsQuery,
        response: { 200: MoodLogList },
      },
    },
    async (request) => ({ items: await moodHistory(ctx, request.user, request.query) }),
  );
}
