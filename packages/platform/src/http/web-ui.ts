import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteScope } from './route-scope.ts';

/** A single-page web UI the service serves on its own origin (same origin as its API). */
export interface WebUiOptions {
  /** The built UI: `index.html` and the hashed files under `assets/` (Vite's `dist`). */
  root: string;
  /** Path prefixes that belong to the API: an unknown route there stays a JSON 404, never the page. */
  apiPrefixes: readonly string[];
}

/** Answers a request with the UI's page when it is a page address; false when it is not one. */
export type WebUiPage = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;

/**
 * The Content-Security-Policy for a service that serves a UI: scripts only from the service's own
 * files (no inline script, no eval), connections only to itself, no framing, no plugins. Inline
 * styles stay allowed because the widget and chart libraries position elements with style
 * attributes. No `upgrade-insecure-requests`: a lab server reached over plain HTTP on its LAN
 * address would have every asset "upgraded" to an HTTPS port that does not answer.
 */
export const webUiContentSecurityPolicy = {
  useDefaults: false,
  directives: {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'script-src-attr': ["'none'"],
  },
};

/**
 * Serves the built UI: `GET /assets/*` (content-hashed names, cached for a year) and, for any other
 * unknown GET outside the API prefixes without a file extension, `index.html` (never cached), so the
 * UI's own routes (`/samples/S-1`) load the page on a reload or a pasted link. When the UI was not
 * built, `/assets/*` answers 404 and the returned function is undefined.
 */
export async function registerWebUi(app: RouteScope, options: WebUiOptions): Promise<WebUiPage | undefined> {
  const built = existsSync(join(options.root, 'index.html'));
  if (!built) {
    app.log.warn({ root: options.root }, 'web UI not built (npm run build -w apps/lab-web): not serving it');
  }
  await app.register(fastifyStatic, { root: options.root, serve: false });
  const assets = join(options.root, 'assets');
  // Registered built or not, so the route table does not depend on whether a build is present.
  app.get('/assets/*', { schema: { hide: true } }, (request, reply) => {
    if (!built) return reply.callNotFound();
    const path = (request.params as { '*': string })['*'];
    return reply.sendFile(path, assets, { immutable: true, maxAge: '365d' });
  });
  if (!built) return undefined;
  return (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const path = request.url.split('?')[0] ?? '/';
    if (options.apiPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)))
      return undefined;
    if (/\.[A-Za-z0-9]+$/.test(path)) return undefined;
    return reply
      .header('cache-control', 'no-cache')
      .sendFile('index.html', options.root, { cacheControl: false });
  };
}
