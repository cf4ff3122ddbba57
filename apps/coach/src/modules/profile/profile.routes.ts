import { errorResponses, type RouteScope } from '@ours/platform/http';
import type { AppContext } from '../../context.ts';
import { Profile, ProfileInput } from './profile.schema.ts';
import { readProfile, saveProfile } from './profile.service.ts';

/** The profile the coach personalises with: read and updated only by its owner, through RLS. */
export async function profileRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  const security = [{ bearerAuth: [] }];
  app.get(
    '/profile',
    {
      schema: {
        tags: ['profile'],
        summary: "The user's coaching profile",
        operationId: 'getProfile',
        security,
        response: { 200: Profile, ...errorResponses(401, 429) },
      },
    },
    async (request) => readProfile(ctx, request.user),
  );
  app.put(
    '/profile',
    {
      schema: {
        tags: ['profile'],
        summary: 'Create or update the coaching profile (fields given are replaced, others kept)',
        operationId: 'updateProfile',
        security,
        body: ProfileInput,
        // 409 `account_reset`: the account was erased by another instance mid-request; retry.
        response: { 200: Profile, ...errorResponses(400, 401, 409, 413, 415, 429) },
      },
    },
    async (request) => saveProfile(ctx, request.user, request.body),
  );
}
