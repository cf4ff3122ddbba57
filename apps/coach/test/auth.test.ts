import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createUser,
  startTestApp,
  type TestApp,
  testJwtSecret,
  useTestApp,
} from './support/test-app.ts';

const hello = { messages: [{ role: 'user', content: 'hello' }] };

const t = useTestApp();

const secret = new TextEncoder().encode(testJwtSecret);
function claims(overrides: Record<string, unknown> = {}) {
  return {
    sub: randomUUID(),
    aud: 'authenticated',
    role: 'authenticated',
    email: 'a@example.com',
    ...overrides,
  };
}
async function hs256(
  payload: Record<string, unknown>,
  options: { exp?: string | number | null; key?: Uint8Array } = {},
) {
  let jwt = new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (options.exp !== null) jwt = jwt.setExpirationTime(options.exp ?? '1h');
  return jwt.sign(options.key ?? secret);
}
function unsignedToken(payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...payload, exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
}
function askWith(authorization: string | undefined) {
  return t.app.inject({
    method: 'POST',
    url: '/ask',
    headers: authorization === undefined ? {} : { authorization },
    payload: hello,
  });
}

describe('authentication on user routes', () => {
  it('accepts a valid HS256 token', async () => {
    const user = await createUser();
    expect((await askWith(bearer(user).authorization)).statusCode).toBe(200);
  });

  it.each([
    ['no Authorization header', async () => undefined, 'missing_token'],
    ['a non-Bearer scheme', async () => `Basic ${Buffer.from('a:b').toString('base64')}`, 'invalid_token'],
    ['a malformed token', async () => 'Bearer not.a.jwt', 'invalid_token'],
    ['an empty bearer', async () => 'Bearer ', 'invalid_token'],
    [
      'a wrong signature',
      async () => `Bearer ${await hs256(claims(), { key: new TextEncoder().encode('x'.repeat(64)) })}`,
      'invalid_token',
    ],
    ['alg: none', async () => `Bearer ${unsignedToken(claims())}`, 'invalid_token'],
    [
      'an expired token',
      async () => `Bearer ${await hs256(claims(), { exp: Math.floor(Date.now() / 1000) - 60 })}`,
      'token_expired',
    ],
    ['no exp claim', async () => `Bearer ${await hs256(claims(), { exp: null })}`, 'invalid_token'],
    ['a wrong audience', async () => `Bearer ${await hs256(claims({ aud: 'anon' }))}`, 'invalid_token'],
    ['no audience', async () => `Bearer ${await hs256(claims({ aud: undefined }))}`, 'invalid_token'],
    ['a non-uuid subject', async () => `Bearer ${await hs256(claims({ sub: 'admin' }))}`, 'invalid_token'],
    ['no subject', async () => `Bearer ${await hs256(claims({ sub: undefined }))}`, 'invalid_token'],
  ])('refuses %s with 401', async (_label, header, code) => {
    const response = await askWith(await header());
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    const body = response.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message).toEqual(expect.any(String));
    expect(JSON.stringify(body)).not.toMatch(/secret|stack|sql/i);
  });

  it.each([
    ['GET', '/history'],
    ['GET', '/notifications'],
    ['PATCH', `/notifications/${randomUUID()}`],
    ['GET', '/notes'],
    ['GET', '/mood-logs'],
    ['POST', '/mood-logs'],
    ['GET', '/profile'],
    ['PUT', '/profile'],
    ['POST', '/ask'],
  ] as const)('requires a token on %s %s', async (method, url) => {
    const response = await t.app.inject({ method, url, payload: method === 'GET' ? undefined : {} });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('missing_token');
  });

  it('leaves health, metrics and docs public', async () => {
    for (const url of ['/health', '/metrics', '/docs/json']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
  });
});

describe('unauthenticated traffic', () => {
  it('is limited per IP: failed logins beyond the budget get 429 with Retry-After', async () => {
    const limited = await startTestApp(t.db, { ANON_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const response = await limited.app.inject({
          method: 'POST',
          url: '/ask',
          payload: hello,
          remoteAddress: '203.0.113.9',
        });
        statuses.push(response.statusCode);
        if (response.statusCode === 429) expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const other = await limited.app.inject({
        method: 'POST',
        url: '/ask',
        payload: hello,
        remoteAddress: '203.0.113.10',
      });
      expect(other.statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });
});

describe('JWKS verification (asymmetric keys)', () => {
  let jwksServer: Server;
  let keys: JWK[] = [];
  let jwks: TestApp;

  beforeAll(async () => {
    jwksServer = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const address = jwksServer.address() as { port: number };
    jwks = await startTestApp(t.db, {
      JWT_SECRET: '',
      JWKS_URL: `http://127.0.0.1:${address.port}/.well-known/jwks.json`,
      JWKS_COOLDOWN_MS: '0',
    });
  });
  afterAll(async () => {
    await jwks.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  async function keyPair(kid: string, alg: 'RS256' | 'ES256') {
    const pair = await generateKeyPair(alg, { extractable: true });
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
    const sign = (payload: Record<string, unknown>) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg, kid })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(pair.privateKey);
    return { publicJwk, sign };
  }

  it('verifies tokens by kid and follows a key rotation', async () => {
    const first = await keyPair('key-1', 'RS256');
    const second = await keyPair('key-2', 'ES256');
    keys = [first.publicJwk];
    const ask = (token: string) =>
      jwks.app.inject({
        method: 'POST',
        url: '/ask',
        headers: { authorization: `Bearer ${token}` },
        payload: hello,
      });
    expect((await ask(await first.sign(claims()))).statusCode).toBe(200);
    // Rotation: the issuer now publishes only the new key.
    keys = [second.publicJwk];
    expect((await ask(await second.sign(claims()))).statusCode).toBe(200);
    expect((await ask(await first.sign(claims()))).statusCode).toBe(401);
  });

  it('refuses an HS256 token when only asymmetric keys are trusted', async () => {
    const response = await jwks.app.inject({
      method: 'POST',
      url: '/ask',
      headers: { authorization: `Bearer ${await hs256(claims())}` },
      payload: hello,
    });
    expect(response.statusCode).toBe(401);
  });
});
