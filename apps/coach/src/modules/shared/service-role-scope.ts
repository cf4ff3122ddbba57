import { bearerToken } from '@ours/platform/auth';
import { AppError } from '@ours/platform/errors';
import { encapsulate, type RouteScope, requireDeclaredErrors } from '@ours/platform/http';
import type { AppContext } from '../../context.ts';

/**
 * Registers operator routes in a scope that admits service-role tokens only (401 without a valid
 * token, counted against the anonymous budget; 403 for a user's token).
 */
export async function serviceRoleScope(
  app: RouteScope,
  ctx: AppContext,
  register: (scope: RouteScope) => void | Promise<void>,
): Promise<void> {
  await encapsulate(app, async (scope) => {
    requireDeclaredErrors(scope, () => [401, 403, 429]);
    scope.addHook('onRequest', async (request) => {
      try {
        await ctx.verifyServiceToken(bearerToken(request.headers.authorization));
      } catch (error) {
        if (error instanceof AppError && error.statusCode === 401)
          await app.limitAnonymous(request, request.ip);
        throw error;
      }
    });
    await register(scope);
  });
}
