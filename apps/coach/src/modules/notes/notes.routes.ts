import { errorResponses, type RouteScope } from '@ours/platform/http';
import type { AppContext } from '../../context.ts';
import { userPage } from '../shared/user-page.ts';
import { listNotes } from './notes.repository.ts';
import { NotesPage, NotesQuery } from './notes.schema.ts';

export async function noteRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  app.get(
    '/notes',
    {
      schema: {
        tags: ['coach'],
        summary: "The coach's notes about the user (weekly summaries), newest first",
        operationId: 'listNotes',
        security: [{ bearerAuth: [] }],
        querystring: NotesQuery,
        response: { 200: NotesPage, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      return userPage(ctx, request.user, request.query, listNotes, (row) => row.created_at);
    },
  );
}
