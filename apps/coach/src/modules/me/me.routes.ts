import { asRole, asUser } from '@ours/platform/db';
import { errorResponses, type RouteScope } from '@ours/platform/http';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { deleteUserData, exportReviews, exportUserData } from './me.repository.ts';

const DeleteBody = Type.Object({ confirm: Type.Literal('DELETE_MY_DATA') }, { additionalProperties: false });

/** UK GDPR rights of access (Article 15, portable JSON) and erasure (Article 17). */
export async function meRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  const security = [{ bearerAuth: [] }];
  app.get(
    '/me/export',
    {
      schema: {
        tags: ['data rights'],
        summary: 'Everything stored about you, as one JSON document',
        operationId: 'exportMyData',
        security,
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses(401, 429) },
      },
    },
    async (request, reply) => {
      const data = await asUser(ctx.db, request.user, exportUserData);
      // Review records are service-only (users cannot read them directly) but are still theirs.
      const reviews = await asRole(ctx.db, serviceRole, (tx) => exportReviews(tx, request.user.id));
      reply.header(
        'content-disposition',
        `attachment; filename="strukt-coach-export-${request.user.id}.json"`,
      );
      return {
        export: {
          generated_at: ctx.now().toISOString(),
          user_id: request.user.id,
          email: request.user.email ?? null,
          format: 'strukt-coach-export/1',
        },
        ...data,
        coach_reviews: reviews,
      };
    },
  );
  app.delete(
    '/me',
    {
      schema: {
        tags: ['data rights'],
        summary: 'Erase all your data, in one transaction; body {"confirm":"DELETE_MY_DATA"}',
        operationId: 'deleteMyData',
        security,
        body: DeleteBody,
        response: {
          200: Type.Object({ deleted: Type.Record(Type.String(), Type.Integer()) }),
          ...errorResponses(400, 401, 413, 415, 429),
        },
      },
    },
    async (request) => {
      const deleted = await asRole(ctx.db, serviceRole, (tx) =>
        deleteUserData(tx, request.user.id, ctx.managesAuthUsers),
      );
      ctx.users.forget(request.user.id);
      return { deleted };
    },
  );
}
