import { randomUUID } from 'node:crypto';
import type { RegisteredRoute } from '@ours/platform/http';
import { beforeAll, describe, expect, it } from 'vitest';
import { permissions, publicRoutes } from '../src/modules/access/permissions.ts';
import { listRoles } from '../src/modules/accounts/roles.repository.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp({ ANON_RATE_LIMIT_PER_MINUTE: '100000', USER_RATE_LIMIT_PER_MINUTE: '100000' });

const isPublicPattern = (route: string) =>
  publicRoutes.some((pattern) =>
    pattern.endsWith('/*') ? route.startsWith(pattern.slice(0, -1)) : route === pattern,
  );
const label = (route: RegisteredRoute) => `${route.method} ${route.url}`;
const isPublic = (route: RegisteredRoute) =>
  route.config.access === undefined || route.config.access === 'public';

function call(route: RegisteredRoute, headers: Record<string, string> = {}) {
  const url = route.url.replace(':id', randomUUID()).replace(':role', 'scientist');
  const hasBody = ['POST', 'PATCH', 'PUT', 'DELETE'].includes(route.method);
  return lab.app.inject({
    method: route.method as 'GET',
    url,
    headers,
    ...(hasBody ? { payload: {} } : {}),
  });
}

let roles: { name: string; permissions: string[] }[];
const accounts = new Map<string, TestAccount>();

beforeAll(async () => {
  roles = await listRoles(lab.db.kysely);
  for (const role of ['admin', 'scientist', 'technician', 'compliance'])
    accounts.set(role, await lab.user([role]));
  accounts.set('none', await lab.user([]));
});

describe('route permission matrix', () => {
  it('has every route declare its access; the public ones are exactly the explicit short list', () => {
    const routes = lab.app.registeredRoutes;
    expect(routes.length).toBeGreaterThan(25);
    const open = routes.filter(isPublic).map(label);
    for (const route of open) expect(isPublicPattern(route), `${route} is public but not listed`).toBe(true);
    for (const pattern of publicRoutes) {
      expect(
        open.some((route) =>
          pattern.endsWith('/*') ? route.startsWith(pattern.slice(0, -1)) : route === pattern,
        ),
        `${pattern} is listed public but not registered`,
      ).toBe(true);
    }
    for (const route of routes.filter((candidate) => !isPublic(candidate))) {
      const access = route.config.access as string;
      expect(
        access === 'authenticated' || (permissions as readonly string[]).includes(access),
        label(route),
      ).toBe(true);
    }
  });

  it('the seeded roles grant only known permissions, as the seed describes them', () => {
    const byName = Object.fromEntries(roles.map((role) => [role.name, role.permissions]));
    expect(Object.keys(byName).sort()).toEqual(['admin', 'compliance', 'scientist', 'technician']);
    expect(byName.admin).toEqual(['*']);
    for (const role of roles.filter((candidate) => candidate.name !== 'admin')) {
      for (const permission of role.permissions) expect(permissions).toContain(permission);
    }
    expect(
      byName.compliance?.every((permission) => permission.endsWith(':read') || permission === 'audit:export'),
    ).toBe(true);
    expect(byName.technician).toEqual(
      expect.arrayContaining(['inventory:create', 'calibration:create', 'devices:read']),
    );
    expect(byName.technician).not.toContain('samples:create');
    expect(byName.scientist).toEqual(
      expect.arrayContaining(['samples:create', 'workflows:update', 'devices:read']),
    );
    expect(byName.scientist).not.toContain('audit:read');
  });

  it('answers 401 without a token, or with a bad one, on every non-public route', async () => {
    for (const route of lab.app.registeredRoutes.filter((candidate) => !isPublic(candidate))) {
      const none = await call(route);
      expect(none.statusCode, label(route)).toBe(401);
      expect(none.json().error.code).toBe('missing_token');
      const forged = await call(route, bearer(`${(accounts.get('admin') as TestAccount).token}x`));
      expect(forged.statusCode, label(route)).toBe(401);
    }
  });

  it('answers 403 to every role outside a route permission (default deny), and lets holders through', async () => {
    let denials = 0;
    for (const route of lab.app.registeredRoutes.filter((candidate) => !isPublic(candidate))) {
      const access = route.config.access as string;
      for (const [name, account] of accounts) {
        const granted =
          access === 'authenticated' ||
          name === 'admin' ||
          (roles.find((role) => role.name === name)?.permissions ?? []).includes(access);
        const response = await call(route, bearer(account.token));
        if (granted) {
          expect([401, 403], `${name} ${label(route)}`).not.toContain(response.statusCode);
        } else {
          expect(response.statusCode, `${name} ${label(route)}`).toBe(403);
          expect(response.json().error.code).toBe('forbidden');
          denials += 1;
        }
      }
    }
    expect(denials).toBeGreaterThan(40);
  });
});
