import { describe, expect, it } from 'vitest';
import { bearer, createUser, useTestApp } from './support/test-app.ts';

const hello = { messages: [{ role: 'user', content: 'hello' }] };

const t = useTestApp({
  ALLOWED_ORIGINS: 'https://api.strukt.fit, https://app.strukt.fit, https://*.expo.dev, https://*.strukt.fit',
});

describe('CORS', () => {
  it.each([
    ['https://app.strukt.fit', true],
    ['https://api.strukt.fit', true],
    ['https://coach.strukt.fit', true],
    ['https://my-app--preview.expo.dev', true],
    ['https://strukt.fit', false],
    ['https://a.b.strukt.fit', false],
    ['https://strukt.fit.evil.com', false],
    ['https://evilstrukt.fit', false],
    ['http://app.strukt.fit', false],
    ['https://app.strukt.fit:8443', false],
    ['null', false],
  ])('origin %s allowed: %s', async (origin, allowed) => {
    const user = await createUser();
    const response = await t.app.inject({
      method: 'POST',
      url: '/ask',
      headers: { ...bearer(user), origin },
      payload: hello,
    });
    expect(response.statusCode).toBe(200);
    if (allowed) {
      expect(response.headers['access-control-allow-origin']).toBe(origin);
      expect(response.headers['access-control-allow-credentials']).toBe('true');
    } else {
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('serves requests without an Origin (mobile apps, curl) without CORS headers', async () => {
    const user = await createUser();
    const response = await t.app.inject({
      method: 'POST',
      url: '/ask',
      headers: bearer(user),
      payload: hello,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers an allowed preflight with the methods and headers', async () => {
    const response = await t.app.inject({
      method: 'OPTIONS',
      url: '/ask',
      headers: {
        origin: 'https://app.strukt.fit',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.strukt.fit');
    expect(response.headers['access-control-allow-methods']).toContain('POST');
    expect(String(response.headers['access-control-allow-headers'])).toContain('authorization');
  });

  it('answers a refused preflight without CORS headers and never with a 5xx', async () => {
    const response = await t.app.inject({
      method: 'OPTIONS',
      url: '/ask',
      headers: { origin: 'https://strukt.fit.evil.com', 'access-control-request-method': 'POST' },
    });
    expect(response.statusCode).toBeLessThan(500);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('security headers', () => {
  it('sets helmet headers and a request id on /ask', async () => {
    const user = await createUser();
    const response = await t.app.inject({
      method: 'POST',
      url: '/ask',
      headers: bearer(user),
      payload: hello,
    });
    const headers = response.headers;
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['x-powered-by']).toBeUndefined();
    expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a well-formed incoming request id and replaces a hostile one', async () => {
    const good = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'client-req-12345' },
    });
    expect(good.headers['x-request-id']).toBe('client-req-12345');
    const bad = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'x\r\nSet-Cookie: a=b' },
    });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('route_not_found');
  });

  it('refuses an oversized body with 413 and a code', async () => {
    const user = await createUser();
    const response = await t.app.inject({
      method: 'POST',
      url: '/ask',
      headers: { ...bearer(user), 'content-type': 'application/json' },
      payload: JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(2_000_000) }] }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
  });
});

describe('operations endpoints', () => {
  it('reports health with the database backend', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'healthy',
      service: 'coach',
      checks: { database: { ok: true, backend: t.db.kind }, model: { ok: true, configured: true } },
    });
  });

  it('exposes Prometheus metrics by route pattern', async () => {
    await t.app.inject({ method: 'GET', url: '/health' });
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(
      /coach_http_request_duration_seconds_count\{method="GET",route="\/health",status_code="200"\} \d+/,
    );
  });

  it('publishes an OpenAPI document listing /ask with bearer auth', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.paths['/ask'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/history', '/notifications', '/mood-logs', '/notes']),
    );
  });
});

describe('public operations routes', () => {
  it('are limited per IP with a generous budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 605; i += 1) {
      statuses.push(
        (await t.app.inject({ method: 'GET', url: '/health', remoteAddress: '192.0.2.77' })).statusCode,
      );
    }
    expect(statuses.slice(0, 600).every((status) => status === 200)).toBe(true);
    expect(statuses.slice(600).every((status) => status === 429)).toBe(true);
    expect(
      (await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '192.0.2.77' })).statusCode,
    ).toBe(429);
    expect(
      (await t.app.inject({ method: 'GET', url: '/health', remoteAddress: '192.0.2.78' })).statusCode,
    ).toBe(200);
  });
});
