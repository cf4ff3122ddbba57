import { NotFoundError } from '@ours/platform/errors';
import { createLimiter, errorResponses, type RouteScope } from '@ours/platform/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { type AdminPageFile, adminAssetNames, loadAdminPageFiles } from './admin-page-files.ts';

/**
 * The page's own policy, stricter than the app-wide helmet default: its scripts and stylesheet only
 * from this server, no inline script or style at all, API calls to this origin only, no framing.
 * It leaves out helmet's `upgrade-insecure-requests`: an operator opening the coach over plain HTTP
 * (localhost, a LAN address) would otherwise get every script "upgraded" to an HTTPS port that does
 * not answer, and a blank page.
 */
export const adminPageContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The operator page: `GET /admin` and its fixed set of files under `/admin/assets/`. Registered
 * whether enabled or not (the route table does not depend on configuration); disabled, each answers
 * 404 `admin_page_disabled`. The page holds no data: it calls the service-role APIs with the token
 * the operator pastes in.
 */
export async function adminPageRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  const files = ctx.config.adminPage.enabled ? loadAdminPageFiles() : undefined;
  // Public like /health: a generous per-IP budget of its own (one page load is seven requests).
  const pageLimiter = createLimiter(app, 'admin-page', { max: 600, windowMs: 60_000 });

  const send = async (file: AdminPageFile | undefined, request: FastifyRequest, reply: FastifyReply) => {
    await pageLimiter(request, request.ip);
    if (!file) {
      // Counted like an unknown route: a disabled page must not be a free probe.
      await app.limitAnonymous(request, request.ip);
      throw new NotFoundError(
        'admin_page_disabled',
        'The operator page is disabled on this server: set ADMIN_PAGE_ENABLED=true to serve it at /admin',
      );
    }
    // Small unhashed files: always revalidated, so a deployment never mixes old and new scripts.
    return reply
      .header('content-security-policy', adminPageContentSecurityPolicy)
      .header('cache-control', 'no-cache')
      .type(file.contentType)
      .send(file.body);
  };

  app.get(
    '/admin',
    {
      schema: {
        tags: ['operations'],
        summary: 'The operator page (HTML; 404 unless ADMIN_PAGE_ENABLED); sign-in with a service-role token',
        operationId: 'getAdminPage',
        security: [],
        response: {
          200: { description: 'The page', content: { 'text/html': { schema: Type.String() } } },
          ...errorResponses(404, 429),
        },
      },
    },
    (request, reply) => send(files?.page, request, reply),
  );

  for (const name of adminAssetNames) {
    // One route per file (no wildcard): nothing outside this list can ever be served from here.
    app.get(`/admin/assets/${name}`, { schema: { hide: true } }, (request, reply) =>
      send(files?.assets.get(name), request, reply),
    );
  }
}
