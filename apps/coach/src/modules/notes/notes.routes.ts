import { asUser, queryRows } from '@ours/platform/db';
import { decodeCursor, PageQuery, toPage } from '@ours/platform/http';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';

const NotesQuery = Type.Object(PageQuery, { additionalProperties: false });
type NotesQuery = Type.Static<typeof NotesQuery>;
const Note = Type.Object({
  id: Type.String({ format: 'uuid' }),
  note: Type.String(),
  type: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
});
const NotesPage = Type.Object({
  items: Type.Array(Note),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

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
      const after = cursor
        ? sql`and (created_at, id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`
        : sql``;
      const rows = await asUser(ctx.db, request.user, async (tx) => {
        const rows = await queryRows<Type.Static<typeof Note>>(
          tx,
          sql`
          select id, note, type, to_json(created_at) #>> '{}' as created_at from ai_coach_notes
          where user_id = ${request.user.id} ${after}
          order by created_at desc, id desc limit ${limit + 1}`,
        );
        return rows;
      });
      return toPage(rows, limit, (row) => row.created_at);
    },
  );
}
