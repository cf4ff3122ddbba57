import type { RouteScope } from '@ours/platform/http';
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
        security,
        response: { 200: Profile },
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
        security,
        body: ProfileInput,
        response: { 200: Profile },
      },
    },
    async (request) => saveProfile(ctx, request.user, request.body),
  );
}
