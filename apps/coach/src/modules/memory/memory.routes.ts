import { asUser } from '@ours/platform/db';
import { NotFoundError } from '@ours/platform/errors';
import { errorResponses, PageQuery, pageOf, type RouteScope } from '@ours/platform/http';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { userPage } from '../shared/user-page.ts';
import { deleteAllMemories, deleteMemory, listMemories } from './memory.repository.ts';

const MemoriesQuery = Type.Object(PageQuery, { additionalProperties: false });
const Memory = Type.Object({
  id: Type.String({ format: 'uuid' }),
  log_type: Type.String(),
  text: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
});
const MemoriesPage = pageOf(Memory);
const MemoryParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

/** What the coach remembers about the user, and the user's right to make it forget. */
export async function memoryRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  const security = [{ bearerAuth: [] }];
  app.get(
    '/memories',
    {
      schema: {
        tags: ['memory'],
        summary: 'What the coach remembers, newest first',
        operationId: 'listMemories',
        security,
        querystring: MemoriesQuery,
        response: { 200: MemoriesPage, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      return userPage(ctx, request.user, request.query, listMemories, (row) => row.created_at);
    },
  );
  app.delete(
    '/memories/:id',
    {
      schema: {
        tags: ['memory'],
        summary: 'Forget one memory',
        operationId: 'deleteMemory',
        security,
        params: MemoryParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 404, 429) },
      },
    },
    async (request, reply) => {
      const deleted = await asUser(ctx.db, request.user, (tx) =>
        deleteMemory(tx, request.user.id, request.params.id),
      );
      if (!deleted) throw new NotFoundError('memory_not_found', 'No such memory');
      return reply.code(204).send(null);
    },
  );
  app.delete(
    '/memories',
    {
      schema: {
        tags: ['memory'],
        summary: 'Forget everything the coach remembers',
        operationId: 'deleteAllMemories',
        security,
        response: { 200: Type.Object({ deleted: Type.Integer() }), ...errorResponses(401, 429) },
      },
    },
    async (request) => ({
      deleted: await asUser(ctx.db, request.user, (tx) => deleteAllMemories(tx, request.user.id)),
    }),
  );
}
