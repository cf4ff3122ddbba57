import { bearerToken, type VerifiedUser } from '@ours/platform/auth';
import { AppError } from '@ours/platform/errors';
import {
  createLimiter,
  encapsulate,
  handleError,
  type RouteScope,
  requireDeclaredErrors,
} from '@ours/platform/http';
import type { AppContext } from '../../context.ts';

/** A foreign-key violation against auth.users: the user row is gone. */
function isMissingUser(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (
      'code' in current &&
      current.code === '23503' &&
      'constraint' in current &&
      typeof current.constraint === 'string' &&
      current.constraint.endsWith('_user_id_fkey')
    )
      return true;
  }
  return false;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: VerifiedUser;
  }
  interface FastifyContextConfig {
    /** Per-user budget for this route (requests per minute); the user default applies otherwise. */
    userRateLimit?: { name: string; perMinute: number };
  }
}

/**
 * Wraps the user routes: every request must carry a valid bearer token, failures count against the
 * caller's IP, and every authenticated request counts against that user's budget, whatever its
 * outcome. Register user routes inside `register` so nothing can be exempted by URL. Each route
 * declares the 401 and 429 this scope answers, or the app does not start.
 */
export async function authenticatedRoutes(
  app: RouteScope,
  ctx: AppContext,
  register: (scope: RouteScope) => Promise<void>,
): Promise<void> {
  const defaultLimiter = createLimiter(app, 'user', {
    max: ctx.config.rateLimits.userPerMinute,
    windowMs: 60_000,
  });
  const routeLimiters = new Map<string, ReturnType<typeof createLimiter>>();

  await encapsulate(app, async (scope) => {
    // Set by the onRequest hook below before any handler runs.
    scope.decorateRequest('user');
    requireDeclaredErrors(scope, () => [401, 429]);
    scope.addHook('onRoute', (route) => {
      const limit = route.config?.userRateLimit;
      if (limit && !routeLimiters.has(limit.name)) {
        routeLimiters.set(
          limit.name,
          createLimiter(app, limit.name, { max: limit.perMinute, windowMs: 60_000 }),
        );
      }
    });
    scope.addHook('onRequest', async (request) => {
      try {
        request.user = await ctx.verifyToken(bearerToken(request.headers.authorization));
      } catch (error) {
        if (error instanceof AppError) await app.limitAnonymous(request, request.ip);
        throw error;
      }
      const limit = request.routeOptions.config.userRateLimit;
      const limiter = (limit && routeLimiters.get(limit.name)) || defaultLimiter;
      await limiter(request, request.user.id);
      await ctx.users.ensure(request.user.id, request.user.email);
    });
    // A user erased by another instance within the registry's memory: forget them so the retry
    // registers them again, and say so instead of failing with a 500.
    scope.setErrorHandler((error, request, reply) => {
      if (request.user && isMissingUser(error)) {
        ctx.users.forget(request.user.id);
        return handleError(
          new AppError(409, 'account_reset', 'Your account was just reset; please try again'),
          request,
          reply,
        );
      }
      return handleError(error, request, reply);
    });
    await register(scope);
  });
}
