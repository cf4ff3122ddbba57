import type { RouteOptions } from 'fastify';
import { fieldOf } from '../errors.ts';
import type { ErrorStatus } from './error-responses.ts';
import type { RouteScope } from './route-scope.ts';

/**
 * Stops the app from starting when a route in this scope leaves out an error status the scope itself
 * answers (a plugin's 401, 403 or 429), so the API document never promises less than the route
 * sends. Routes declare them with `errorResponses(...)`.
 */
export function requireDeclaredErrors(
  scope: RouteScope,
  statusesFor: (route: RouteOptions) => readonly ErrorStatus[],
): void {
  scope.addHook('onRoute', (route) => {
    const response = route.schema?.response;
    const declared = typeof response === 'object' && response !== null ? Object.keys(response) : [];
    const missing = statusesFor(route).filter((status) => !declared.includes(String(status)));
    if (missing.length > 0) {
      throw new Error(
        `${route.method} ${route.url} must declare its ${missing.join(', ')} responses (errorResponses)`,
      );
    }
  });
}

/**
 * The refusals the platform itself sends for a route that reads input: 400 (validation and the
 * request-text rule) and, for a body, 413 (too large) and 415 (content type or coding).
 */
export function inputErrorStatuses(route: RouteOptions): ErrorStatus[] {
  const schema = route.schema;
  if (!schema || fieldOf(schema, 'hide') === true) return [];
  if (schema.body) return [400, 413, 415];
  return schema.params || schema.querystring ? [400] : [];
}
