import { errorResponses, type RouteScope } from '@ours/platform/http';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { PushToken, PushTokenBody, PushTokenList, PushTokenParams } from './push-tokens.schema.ts';
import { deletePushToken, listPushTokens, registerPushToken } from './push-tokens.service.ts';

/** The signed-in user's Expo push tokens (one per device). */
export async function pushTokenRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  const security = [{ bearerAuth: [] }];
  app.post(
    '/me/push-tokens',
    {
      schema: {
        tags: ['push'],
        summary: 'Register an Expo push token: 201 when new for you, 200 when renewed',
        description:
          'Beyond PUSH_TOKENS_PER_USER tokens the least recently registered one is dropped. A token ' +
          'registered by another account moves to you (a device has one owner).',
        operationId: 'registerPushToken',
        security,
        body: PushTokenBody,
        response: { 200: PushToken, 201: PushToken, ...errorResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { token, created } = await registerPushToken(ctx, request.user, request.body);
      reply.code(created ? 201 : 200);
      return token;
    },
  );
  app.get(
    '/me/push-tokens',
    {
      schema: {
        tags: ['push'],
        summary: 'Your registered push tokens, most recently registered first',
        operationId: 'listPushTokens',
        security,
        response: { 200: PushTokenList, ...errorResponses(401, 429) },
      },
    },
    async (request) => ({ items: await listPushTokens(ctx, request.user) }),
  );
  app.delete(
    '/me/push-tokens/:id',
    {
      schema: {
        tags: ['push'],
        summary: 'Unregister one of your push tokens',
        operationId: 'deletePushToken',
        security,
        params: PushTokenParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 404, 429) },
      },
    },
    async (request, reply) => {
      await deletePushToken(ctx, request.user, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
