import { bearerToken } from '@ours/platform/auth';
import { AppError, ForbiddenError, UnauthorizedError } from '@ours/platform/errors';
import { createLimiter, encapsulate, type RouteScope, requireDeclaredErrors } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import { type AccessClaims, accessTokenVerifier } from '../auth/index.ts';
import { allows } from './permissions.ts';
import { type Principal, requestPrincipal } from './principal.repository.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    /** How the caller proved who they are (from the access token): 'pwd', plus 'otp' after MFA. */
    amr: string[];
  }
}

/**
 * Wraps every signed-in route: a valid access token for an active account whose sessions (and the
 * token's own session) were not revoked, the route's declared permission held through the user's
 * roles (default deny), and the per-user rate limit. A route without a declared access rule fails at
 * start-up, so nothing is ever open by omission; so does one that leaves the 401, 429 (and, with a
 * permission, 403) this scope answers out of its declared responses.
 */
export async function protectedRoutes(
  app: RouteScope,
  ctx: LabContext,
  register: (scope: RouteScope) => Promise<void>,
): Promise<void> {
  const verifyAccess = accessTokenVerifier(ctx.keys.jwtSecret);
  const userLimiter = createLimiter(app, 'user', {
    max: ctx.config.rateLimits.userPerMinute,
    windowMs: 60_000,
  });
  await encapsulate(app, async (scope) => {
    // Set by the hook below before any handler runs.
    scope.decorateRequest('principal');
    scope.decorateRequest('amr');
    scope.addHook('onRoute', (route) => {
      const access = route.config?.access;
      if (!access || access === 'public') {
        throw new Error(`${route.method} ${route.url} must declare a permission or 'authenticated'`);
      }
    });
    requireDeclaredErrors(scope, (route) =>
      route.config?.access === 'authenticated' ? [401, 429] : [401, 403, 429],
    );
    scope.addHook('onRequest', async (request) => {
      let claims: AccessClaims;
      try {
        claims = await verifyAccess(bearerToken(request.headers.authorization), ctx.now());
      } catch (error) {
        if (error instanceof AppError) await app.limitAnonymous(request, request.ip);
        throw error;
      }
      const principal = await requestPrincipal(ctx.db, claims.sub, claims.rti);
      if (!principal?.active) throw new UnauthorizedError('account_inactive', 'This account is not active');
      const epochEnded = claims.sep !== undefined && claims.sep !== principal.session_epoch;
      // The token's own session: ended by logout or a detected refresh-token reuse, on any instance.
      if (epochEnded || principal.session_revoked || claims.iat_ms < principal.sessions_valid_after_ms) {
        throw new UnauthorizedError('session_revoked', 'This session has ended; please sign in again');
      }
      await userLimiter(request, principal.id);
      const access = request.routeOptions.config.access;
      if (!allows(principal.permissions, access)) {
        throw new ForbiddenError('forbidden', `This needs the ${access} permission`);
      }
      request.principal = principal;
      request.amr = claims.amr;
    });
    await register(scope);
  });
}
