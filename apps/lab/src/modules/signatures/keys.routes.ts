import { errorResponses, type RouteScope } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import { PublicKeysReply } from './signatures.schema.ts';
import { listSigningKeys } from './signing-keys.repository.ts';

/** Public keys are public: anyone holding an export or a signature can check it independently. */
export async function keyRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.get(
    '/api/compliance/keys',
    {
      config: { access: 'public' },
      onRequest: async (request) => app.limitAnonymous(request, request.ip),
      schema: {
        operationId: 'listSigningKeys',
        tags: ['compliance'],
        security: [],
        summary: 'Every public key the server has signed with (current and rotated), by key id',
        response: { 200: PublicKeysReply, ...errorResponses(429) },
      },
    },
    async () => ({ current_key_id: ctx.signingKeyId, keys: await listSigningKeys(ctx.db.kysely) }),
  );
}
