import { asUser } from '@ours/platform/db';
import { decodeCursor, toPage } from '@ours/platform/http';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { listNotes } from './notes.repository.ts';
import { NotesPage, NotesQuery } from './notes.schema.ts';

export async function noteRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Querystring: NotesQuery }>(
    '/notes',
    {
      schema: {
        tags: ['coach'],
        summary: "The coach's notes about the user (weekly summaries), newest first",
        security: [{ bearerAuth: [] }],
        querystring: NotesQuery,
        response: { 200: NotesPage },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 20;
      const cursor = request.query.cursor ? decodeCursor(request.query.cursor) : undefined;
      const rows = await asUser(ctx.db, request.user, (tx) => listNotes(tx, request.user.id, limit, cursor));
      return toPage(rows, limit, (row) => row.created_at);
    },
  );
}
