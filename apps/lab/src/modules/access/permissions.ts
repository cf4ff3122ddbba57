/**
 * Every permission the lab knows, in one list. Roles in the database grant subsets of these ('*'
 * grants all: admin); every route declares one of them, or is explicitly public or open to any
 * signed-in user.
 */
export const permissions = [
  'samples:read',
  'samples:create',
  'samples:update',
  'samples:delete',
  'workflows:read',
  'workflows:create',
  'workflows:update',
  'workflows:approve',
  'runs:read',
  'runs:create',
  'runs:update',
  'inventory:read',
  'inventory:create',
  'inventory:update',
  'calibration:read',
  'calibration:create',
  'devices:read',
  'devices:manage',
  'audit:read',
  'audit:export',
  'signatures:read',
  'signatures:create',
  'users:manage',
  'sites:manage',
  'jobs:manage',
] as const;

export type Permission = (typeof permissions)[number];

/** What a route requires: a permission, any signed-in user, or nothing (the short public list). */
export type RouteAccess = Permission | 'authenticated' | 'public';

/** The routes anyone may call: operations probes, docs, and the steps that obtain a token. */
export const publicRoutes = [
  'GET /health',
  'GET /metrics',
  'GET /docs',
  'GET /docs/*',
  'POST /auth/setup',
  'POST /auth/login',
  'POST /auth/mfa',
  'POST /auth/refresh',
  'POST /auth/logout',
  'GET /auth/settings',
  // The web UI's built files (content-hashed, public like any page's scripts).
  'GET /assets/*',
  'GET /api/compliance/keys',
  // CORS preflight: answers with headers only, never data.
  'OPTIONS *',
] as const;

/** Whether a set of granted permissions (from roles) includes `wanted`. */
export function grants(granted: ReadonlySet<string>, wanted: Permission): boolean {
  return granted.has('*') || granted.has(wanted);
}

/**
 * Whether a signed-in user with these permissions may call a route declared with `access`. A route
 * without a permission never gets here (start-up refuses it); were one to, it would be refused.
 */
export function allows(granted: readonly string[], access: RouteAccess | undefined): boolean {
  if (access === 'authenticated') return true;
  if (access === undefined || access === 'public') return false;
  return grants(new Set(granted), access);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; required on every route the lab registers. */
    access?: RouteAccess;
  }
}
