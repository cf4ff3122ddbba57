import { readFileSync } from 'node:fs';
import { signServiceToken } from '@ours/platform/auth';
import { ConfigError } from '@ours/platform/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envToConfig } from '../src/config.ts';
import { adminAssetNames } from '../src/modules/admin-page/admin-page-files.ts';
import { serviceTokenIssuer } from '../src/modules/shared/service-role.ts';
import { startTestApp, type TestApp, testJwtSecret, useTestApp } from './support/test-app.ts';

// The default app: no ADMIN_PAGE_ENABLED.
const disabled = useTestApp();
let enabled: TestApp;

beforeAll(async () => {
  enabled = await startTestApp(disabled.db, { ADMIN_PAGE_ENABLED: 'true' });
});
afterAll(async () => {
  await enabled?.close();
});

const pageUrls = ['/admin', ...adminAssetNames.map((name) => `/admin/assets/${name}`)];

describe('the operator page when not configured', () => {
  it.each(pageUrls)(
    'answers 404 admin_page_disabled at %s, naming the variable that turns it on',
    async (url) => {
      const response = await disabled.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('admin_page_disabled');
      expect(response.json().error.message).toContain('ADMIN_PAGE_ENABLED=true');
    },
  );

  it('leaves the service-role APIs as they are', async () => {
    const token = await signServiceToken(testJwtSecret, { issuer: serviceTokenIssuer });
    const response = await disabled.app.inject({
      method: 'GET',
      url: '/admin/jobs',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(200);
  });

  it('refuses a value of ADMIN_PAGE_ENABLED that is not true or false, naming it', () => {
    expect(() => envToConfig({ ADMIN_PAGE_ENABLED: 'sometimes' })).toThrow(ConfigError);
    expect(() => envToConfig({ ADMIN_PAGE_ENABLED: 'sometimes' })).toThrow(/ADMIN_PAGE_ENABLED/);
    expect(envToConfig({}).adminPage.enabled).toBe(false);
  });
});

describe('the operator page when enabled', () => {
  it('serves the page with its own strict policy: own scripts and styles only, nothing inline, no HTTPS upgrade', async () => {
    const response = await enabled.app.inject({ method: 'GET', url: '/admin' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    const policy = String(response.headers['content-security-policy']);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('upgrade-insecure-requests');
    // The page carries no data of its own and nothing inline the policy would refuse.
    expect(response.body).not.toMatch(/<script>|<style|style=/);
  });

  it('serves every file the page refers to, each with its type', async () => {
    const html = (await enabled.app.inject({ method: 'GET', url: '/admin' })).body;
    const referenced = [...html.matchAll(/(?:src|href)="(\/admin\/assets\/[^"]+)"/g)].map(
      (match) => match[1],
    );
    expect(referenced).toEqual(['/admin/assets/admin.css', '/admin/assets/admin.js']);
    const types: Record<string, string> = {
      css: 'text/css; charset=utf-8',
      js: 'text/javascript; charset=utf-8',
    };
    for (const name of adminAssetNames) {
      const response = await enabled.app.inject({ method: 'GET', url: `/admin/assets/${name}` });
      expect(response.statusCode, name).toBe(200);
      expect(response.headers['content-type']).toBe(types[name.split('.').at(-1) ?? '']);
      expect(response.headers['content-security-policy']).toBeDefined();
    }
    // Every module a script imports is among the served files.
    for (const name of adminAssetNames.filter((file) => file.endsWith('.js'))) {
      const source = readFileSync(new URL(`../src/modules/admin-page/page/${name}`, import.meta.url), 'utf8');
      for (const [, imported] of source.matchAll(/from '\.\/([^']+)'/g))
        expect(adminAssetNames as readonly string[], `${name} imports ${imported}`).toContain(imported);
    }
  });

  it.each([
    '/admin/assets/admin-page.routes.ts',
    '/admin/assets/../admin-page-files.ts',
    '/admin/assets/%2e%2e%2fadmin-page-files.ts',
    '/admin/assets/',
  ])('serves nothing outside its fixed set: %s is a 404', async (url) => {
    const response = await enabled.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('import ');
  });

  it('lists GET /admin in the OpenAPI document as a public HTML page, and hides its assets', async () => {
    const document = (await enabled.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const page = document.paths['/admin']?.get;
    expect(page.operationId).toBe('getAdminPage');
    expect(page.security).toEqual([]);
    expect(Object.keys(page.responses['200'].content)).toEqual(['text/html']);
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/admin/assets'))).toEqual([]);
  });
});

describe('the operator page under load', () => {
  it('answers 429 with Retry-After beyond its own per-address budget, leaving other addresses alone', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 602; i += 1) {
      const url = i % 2 === 0 ? '/admin' : '/admin/assets/admin.js';
      statuses.push(
        (await enabled.app.inject({ method: 'GET', url, remoteAddress: '192.0.2.90' })).statusCode,
      );
    }
    expect(statuses.slice(0, 600).every((status) => status === 200)).toBe(true);
    const refused = await enabled.app.inject({ method: 'GET', url: '/admin', remoteAddress: '192.0.2.90' });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(statuses.slice(600)).toEqual([429, 429]);
    const other = await enabled.app.inject({ method: 'GET', url: '/admin', remoteAddress: '192.0.2.91' });
    expect(other.statusCode).toBe(200);
  });
});
