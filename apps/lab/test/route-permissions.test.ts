import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { permissions, publicRoutes, type RouteAccess } from '../src/modules/access/permissions.ts';
import { listRoles } from '../src/modules/accounts/roles.repository.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp({ ANON_RATE_LIMIT_PER_MINUTE: '100000', USER_RATE_LIMIT_PER_MINUTE: '100000' });

/**
 * Who may call each route, owned by this test and written from the role matrix in
 * docs/compliance.md (not read from the routes): a route added, removed or re-permissioned in the
 * code fails here until this table is changed on purpose, and the 401/403 checks below use it.
 */
const expectedAccess: Record<string, RouteAccess> = {
  'OPTIONS *': 'public',
  'GET /docs': 'public',
  'GET /docs/json': 'public',
  'GET /docs/yaml': 'public',
  'GET /docs/static/*': 'public',
  'GET /docs/static/index.html': 'public',
  'GET /docs/static/swagger-initializer.js': 'public',
  'GET /metrics': 'public',
  'GET /health': 'public',
  'POST /auth/setup': 'public',
  'POST /auth/login': 'public',
  'POST /auth/mfa': 'public',
  'POST /auth/refresh': 'public',
  'POST /auth/logout': 'public',
  'GET /auth/settings': 'public',
  // The web UI's content-hashed files (served whether or not a build is present: 404 without one).
  'GET /assets/*': 'public',
  'GET /api/compliance/keys': 'public',

  'GET /auth/me': 'authenticated',
  'POST /auth/password': 'authenticated',
  'POST /auth/mfa/enrol': 'authenticated',
  'POST /auth/mfa/confirm': 'authenticated',
  'POST /auth/mfa/disable': 'authenticated',
  // Each section is filtered by the caller's own permissions.
  'GET /api/dashboard': 'authenticated',
  'GET /api/labs': 'authenticated',

  'GET /api/admin/users': 'users:manage',
  'GET /api/admin/users/:id': 'users:manage',
  'POST /api/admin/users': 'users:manage',
  'PATCH /api/admin/users/:id': 'users:manage',
  'POST /api/admin/users/:id/password': 'users:manage',
  'POST /api/admin/users/:id/unlock': 'users:manage',
  'POST /api/admin/users/:id/roles': 'users:manage',
  'DELETE /api/admin/users/:id/roles/:role': 'users:manage',
  'GET /api/admin/roles': 'users:manage',
  'POST /api/admin/users/:id/labs': 'users:manage',
  'POST /api/admin/demo-data': 'users:manage',
  'GET /api/admin/jobs': 'jobs:manage',
  'POST /api/admin/jobs/:name/run': 'jobs:manage',
  'DELETE /api/admin/users/:id/labs/:labId': 'users:manage',
  'GET /api/admin/labs': 'sites:manage',
  'POST /api/admin/labs': 'sites:manage',

  'GET /api/compliance/audit': 'audit:read',
  'GET /api/compliance/audit/verify': 'audit:read',
  'GET /api/compliance/audit/export': 'audit:export',

  'POST /api/signatures': 'signatures:create',
  'GET /api/signatures': 'signatures:read',
  'GET /api/signatures/:id/verify': 'signatures:read',

  'GET /api/sites/nodes': 'devices:read',
  'POST /api/sites/nodes': 'devices:manage',
  'GET /api/sites/hubs': 'devices:read',
  'POST /api/sites/hubs': 'devices:manage',

  'POST /api/samples/projects': 'samples:create',
  'GET /api/samples/projects': 'samples:read',
  'GET /api/samples/projects/:id': 'samples:read',
  'POST /api/samples/batches': 'samples:create',
  'GET /api/samples/batches': 'samples:read',
  'GET /api/samples/batches/:id': 'samples:read',
  'POST /api/samples/containers': 'samples:create',
  'GET /api/samples/containers': 'samples:read',
  'GET /api/samples/containers/:id': 'samples:read',
  'GET /api/samples/:id/label': 'samples:read',
  // Renders a PDF of existing samples: reading, not creating.
  'POST /api/samples/labels': 'samples:read',
  'POST /api/samples/import': 'samples:create',
  'GET /api/samples/export': 'samples:read',
  'POST /api/samples': 'samples:create',
  'POST /api/samples/bulk': 'samples:create',
  'GET /api/samples': 'samples:read',
  'GET /api/samples/:id': 'samples:read',
  'PATCH /api/samples/:id': 'samples:update',
  'DELETE /api/samples/:id': 'samples:delete',
  'POST /api/samples/:id/split': 'samples:create',
  'POST /api/samples/:id/assign-workflow': 'samples:update',
  'GET /api/samples/:id/history': 'samples:read',

  'POST /api/inventory/vendors': 'inventory:create',
  'GET /api/inventory/vendors': 'inventory:read',
  'GET /api/inventory/vendors/:id': 'inventory:read',
  'PATCH /api/inventory/vendors/:id': 'inventory:update',
  'POST /api/inventory/items': 'inventory:create',
  'GET /api/inventory/items': 'inventory:read',
  'GET /api/inventory/items/:id': 'inventory:read',
  'PATCH /api/inventory/items/:id': 'inventory:update',
  'POST /api/inventory/lots': 'inventory:create',
  'POST /api/inventory/lots/:id/receive': 'inventory:create',
  'POST /api/inventory/lots/:id/consume': 'inventory:create',
  'GET /api/inventory/lots': 'inventory:read',
  'GET /api/inventory/lots/:id': 'inventory:read',
  'PATCH /api/inventory/lots/:id': 'inventory:update',
  'GET /api/inventory/movements': 'inventory:read',
  'GET /api/inventory/alerts': 'inventory:read',
  'GET /api/inventory/alerts/low-stock': 'inventory:read',
  'GET /api/inventory/alerts/expiring': 'inventory:read',
  'GET /api/inventory/alerts/expired': 'inventory:read',

  'POST /api/calibration': 'calibration:create',
  'GET /api/calibration': 'calibration:read',
  'GET /api/calibration/upcoming': 'calibration:read',
  'GET /api/calibration/overdue': 'calibration:read',
  'GET /api/calibration/:id': 'calibration:read',
  'POST /api/calibration/:id/certificate': 'calibration:create',
  'GET /api/calibration/:id/certificate': 'calibration:read',

  'POST /api/devices': 'devices:manage',
  'GET /api/devices': 'devices:read',
  'GET /api/devices/:id': 'devices:read',
  'PATCH /api/devices/:id': 'devices:manage',
  // Logging use of an instrument is part of performing a run.
  'POST /api/devices/:id/usage': 'runs:create',
  'GET /api/devices/:id/usage': 'devices:read',

  'GET /api/instruments/drivers': 'devices:read',
  // Simulated hardware is lab equipment: flipping its lines is managing devices.
  'POST /api/instruments/simulated/:id/lines': 'devices:manage',

  'GET /api/workflows/schema': 'workflows:read',
  'POST /api/workflows': 'workflows:create',
  'GET /api/workflows': 'workflows:read',
  'GET /api/workflows/:name': 'workflows:read',
  'POST /api/workflows/:name/versions': 'workflows:create',
  'GET /api/workflows/:name/versions/:version': 'workflows:read',
  'PUT /api/workflows/:name/versions/:version': 'workflows:update',
  'POST /api/workflows/:name/versions/:version/submit': 'workflows:update',
  // Approving and retiring are the control decisions: the approval permission.
  'POST /api/workflows/:name/versions/:version/approve': 'workflows:approve',
  'POST /api/workflows/:name/versions/:version/retire': 'workflows:approve',

  'POST /api/runs': 'runs:create',
  'GET /api/runs': 'runs:read',
  'GET /api/runs/:id': 'runs:read',
  'POST /api/runs/:id/pause': 'runs:update',
  'POST /api/runs/:id/resume': 'runs:update',
  'POST /api/runs/:id/abort': 'runs:update',
  // Who may sign is the step's own role, checked by the service on top.
  'POST /api/runs/:id/approvals/:stepId': 'runs:update',
  'GET /api/safety/interlocks': 'runs:read',
  'GET /api/runs/:id/data': 'runs:read',
  'GET /api/runs/:id/events': 'runs:read',
  'GET /api/runs/:id/report.pdf': 'runs:read',
  'GET /api/samples/:id/runs': 'runs:read',
};

/**
 * The seed's roles as docs/compliance.md lists them (compliance's workflows:approve is a default
 * applied at start), plus an account holding no role at all.
 */
const expectedRoles: Record<string, readonly string[]> = {
  admin: ['*'],
  scientist: [
    'samples:read',
    'samples:create',
    'samples:update',
    'workflows:read',
    'workflows:create',
    'workflows:update',
    'runs:read',
    'runs:create',
    'runs:update',
    'devices:read',
    'signatures:read',
    'signatures:create',
  ],
  technician: [
    'runs:read',
    'runs:create',
    'inventory:read',
    'inventory:create',
    'inventory:update',
    'calibration:read',
    'calibration:create',
    'devices:read',
    'signatures:read',
    'signatures:create',
  ],
  compliance: [
    'audit:read',
    'audit:export',
    'runs:read',
    'samples:read',
    'workflows:read',
    'workflows:approve',
    'signatures:read',
  ],
};
const callers: Record<string, readonly string[]> = { ...expectedRoles, 'no role': [] };

const table = Object.entries(expectedAccess).map(([route, access]) => {
  const [method, url] = route.split(' ') as [string, string];
  return { route, method, url, access };
});
const protectedRoutes = table.filter((entry) => entry.access !== 'public');

const mayCall = (granted: readonly string[], access: RouteAccess) =>
  access === 'authenticated' || granted.includes('*') || granted.includes(access as string);

/**
 * A request that reaches the route: every path parameter filled with a well-formed value (a random
 * uuid, a real role name), so routing cannot answer 404 first, and a JSON body where one is expected.
 * The access check runs onRequest, before body parsing and validation, so the body's shape is moot.
 */
function call(method: string, url: string, headers: Record<string, string> = {}) {
  const path = url
    .replace(/^\*$/, '/api/samples')
    .replace(/\*$/, 'index.html')
    .replace(/:role\b/g, 'scientist')
    .replace(/:\w+/g, () => randomUUID());
  const hasBody = ['POST', 'PATCH', 'PUT', 'DELETE'].includes(method);
  return lab.app.inject({
    method: method as 'GET',
    url: path,
    headers,
    ...(hasBody ? { payload: {} } : {}),
  });
}

const accounts = new Map<string, TestAccount>();

beforeAll(async () => {
  for (const name of Object.keys(callers))
    accounts.set(name, await lab.user(name === 'no role' ? [] : [name]));
  expect(accounts.get('no role')?.roles).toEqual([]);
  expect(Object.keys(callers)).toHaveLength(5);
});

describe('the route permission table', () => {
  it('names every registered route exactly once, and no route that is not registered', () => {
    const registered = lab.app.registeredRoutes.map((route) => `${route.method} ${route.url}`);
    expect(new Set(registered).size, 'a route is registered twice').toBe(registered.length);
    expect({
      missingFromTable: registered.filter((route) => !(route in expectedAccess)),
      notRegistered: Object.keys(expectedAccess).filter((route) => !registered.includes(route)),
    }).toEqual({ missingFromTable: [], notRegistered: [] });
  });

  it('matches the permission each route declares', () => {
    const differing = lab.app.registeredRoutes
      .map((route) => ({
        route: `${route.method} ${route.url}`,
        declared: (route.config.access as RouteAccess | undefined) ?? 'public',
      }))
      .filter(({ route, declared }) => route in expectedAccess && declared !== expectedAccess[route])
      .map(({ route, declared }) => `${route}: declares ${declared}, table says ${expectedAccess[route]}`);
    expect(differing).toEqual([]);
  });

  it('names only permissions the lab knows, and its public routes are exactly the published short list', () => {
    for (const { route, access } of protectedRoutes) {
      expect(access === 'authenticated' || (permissions as readonly string[]).includes(access), route).toBe(
        true,
      );
    }
    const matches = (pattern: string, route: string) =>
      pattern.endsWith('/*') ? route.startsWith(pattern.slice(0, -1)) : route === pattern;
    const open = table.filter((entry) => entry.access === 'public').map((entry) => entry.route);
    for (const route of open) {
      expect(
        publicRoutes.some((pattern) => matches(pattern, route)),
        `${route} is public but not listed`,
      ).toBe(true);
    }
    for (const pattern of publicRoutes) {
      expect(
        open.some((route) => matches(pattern, route)),
        `${pattern} is listed public but not in the table`,
      ).toBe(true);
    }
  });

  it('agrees with the roles the database seeds, permission for permission', async () => {
    const seeded = await listRoles(lab.db.kysely);
    const byName = Object.fromEntries(seeded.map((role) => [role.name, [...role.permissions].sort()]));
    const expected = Object.fromEntries(
      Object.entries(expectedRoles).map(([name, granted]) => [name, [...granted].sort()]),
    );
    expect(byName).toEqual(expected);
  });
});

describe('access to every route, driven by the table', () => {
  it('answers 401 missing_token without a token, and 401 to a forged one, on every non-public route', async () => {
    const forged = bearer(`${(accounts.get('admin') as TestAccount).token}x`);
    for (const { route, method, url } of protectedRoutes) {
      const none = await call(method, url);
      expect(none.statusCode, route).toBe(401);
      expect(none.json().error.code, route).toBe('missing_token');
      expect((await call(method, url, forged)).statusCode, `forged token: ${route}`).toBe(401);
    }
  });

  it('lets anyone reach the public routes without a token', async () => {
    for (const { route, method, url } of table.filter((entry) => entry.access === 'public')) {
      const response = await call(method, url);
      expect([401, 403], route).not.toContain(response.statusCode);
    }
  });

  it('answers 403 forbidden to every caller whose roles lack the permission, and lets holders past the check', async () => {
    const denied: string[] = [];
    for (const { route, method, url, access } of protectedRoutes) {
      for (const [name, granted] of Object.entries(callers)) {
        const account = accounts.get(name) as TestAccount;
        const response = await call(method, url, bearer(account.token));
        if (mayCall(granted, access)) {
          expect([401, 403], `${name} may call ${route}`).not.toContain(response.statusCode);
        } else {
          expect(response.statusCode, `${name} may not call ${route}`).toBe(403);
          expect(response.json().error, `${name} ${route}`).toEqual({
            code: 'forbidden',
            message: `This needs the ${access} permission`,
          });
          denied.push(`${name} ${route}`);
        }
      }
    }
    // Every route but the self-service ones refuses the account without a role.
    expect(denied.filter((entry) => entry.startsWith('no role '))).toHaveLength(
      protectedRoutes.filter((entry) => entry.access !== 'authenticated').length,
    );
  });
});
