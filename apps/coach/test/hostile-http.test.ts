import { gzipSync } from 'node:zlib';
import { malformedRequests, sendRawHttp } from '@ours/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { coachLogsOf } from './support/coach-logs.ts';
import { bearer, createUser, type TestUser, useTestApp } from './support/test-app.ts';

const t = useTestApp({ USER_RATE_LIMIT_PER_MINUTE: '100000', ANON_RATE_LIMIT_PER_MINUTE: '100000' });
let user: TestUser;
let port: number;

beforeAll(async () => {
  user = await createUser();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});

// In a JS string '\ud800' is a lone surrogate; JSON.stringify (and inject) send it as the escape "\ud800".
const lone = 'r\ud800';

function expectRefusal(response: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(response.json()).toMatchObject({ error: { code, message: expect.any(String) } });
}

describe('a lone UTF-16 surrogate is refused with 400 invalid_characters, never stored as U+FFFD', () => {
  it.each([
    ['POST', '/mood-logs', { mood: 5, stress: 5, notes: lone }],
    ['POST', '/ask', { messages: [{ role: 'user', content: lone }] }],
    ['POST', '/ask', { messages: [{ role: 'user', content: 'hello' }], topic: lone }],
    ['PUT', '/profile', { display_name: lone }],
    ['PUT', '/profile', { goals: ['run a 5k', '\udc00'] }],
    ['PUT', '/profile', { [lone]: 'as a key' }],
  ] as const)('in the JSON body of %s %s', async (method, url, payload) => {
    const response = await t.app.inject({ method, url, headers: bearer(user), payload });
    expectRefusal(response, 400, 'invalid_characters');
  });

  it('in a query string or a path parameter (percent-escapes that spell no UTF-8)', async () => {
    for (const [method, url] of [
      ['GET', '/history?cursor=%ED%A0%80'],
      ['GET', '/mood-logs?from=%ED%B0%80'],
      ['GET', '/notes?cursor=%FF'],
      ['DELETE', '/memories/%ED%A0%80'],
      ['PATCH', '/notifications/%ED%A0%80'],
    ] as const) {
      const response = await t.app.inject({ method, url, headers: bearer(user), payload: { read: true } });
      expectRefusal(response, 400, 'invalid_characters');
    }
  });

  it('writes nothing and calls no model for a refused /ask', async () => {
    const asker = await createUser();
    const before = t.fake.requests.length;
    await t.app.inject({
      method: 'POST',
      url: '/ask',
      headers: bearer(asker),
      payload: { messages: [{ role: 'user', content: lone }] },
    });
    expect(await coachLogsOf(t.db, asker.id)).toHaveLength(0);
    expect(t.fake.requests.length).toBe(before);
  });

  it('refuses body bytes that are not UTF-8 instead of decoding them to U+FFFD', async () => {
    const payload = Buffer.concat([
      Buffer.from('{"mood":5,"stress":5,"notes":"'),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('"}'),
    ]);
    const response = await t.app.inject({
      method: 'POST',
      url: '/mood-logs',
      headers: { ...bearer(user), 'content-type': 'application/json' },
      payload,
    });
    expectRefusal(response, 400, 'invalid_characters');
  });

  it('keeps a surrogate pair (an emoji written as escapes) intact', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/mood-logs',
      headers: { ...bearer(user), 'content-type': 'application/json' },
      payload: '{"mood":6,"stress":3,"notes":"calm \\ud83d\\ude00"}',
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().notes).toBe('calm 😀');
    const search = await t.app.inject({
      method: 'GET',
      url: '/notes?cursor=%F0%9F%98%80',
      headers: bearer(user),
    });
    expectRefusal(search, 400, 'invalid_cursor');
  });
});

describe('bodies the server cannot read', () => {
  it('answers an unsupported Content-Type with 415 in the house shape', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/mood-logs',
      headers: { ...bearer(user), 'content-type': 'application/xml' },
      payload: '<mood>5</mood>',
    });
    expectRefusal(response, 415, 'unsupported_media_type');
  });

  it('answers a compressed body with 415 and says identity is accepted, instead of parsing it', async () => {
    for (const encoding of ['gzip', 'br', 'deflate, gzip']) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/mood-logs',
        headers: { ...bearer(user), 'content-type': 'application/json', 'content-encoding': encoding },
        payload: gzipSync('{"mood":5,"stress":5}'),
      });
      expectRefusal(response, 415, 'unsupported_content_encoding');
      expect(response.headers['accept-encoding']).toBe('identity');
    }
    const identity = await t.app.inject({
      method: 'POST',
      url: '/mood-logs',
      headers: { ...bearer(user), 'content-type': 'application/json', 'content-encoding': 'identity' },
      payload: '{"mood":5,"stress":5}',
    });
    expect(identity.statusCode).toBe(201);
  });
});

describe('requests the HTTP parser refuses', () => {
  it.each(malformedRequests('/mood-logs'))(
    'answers $name with $status $code in the house shape',
    async ({ request, status, code }) => {
      const reply = await sendRawHttp(port, request);
      expect(reply.status).toBe(status);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(reply.body)).toEqual({ error: { code, message: expect.any(String) } });
    },
  );

  it('still serves a well-formed request on a raw socket', async () => {
    const reply = await sendRawHttp(
      port,
      'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect(reply.status).toBe(200);
  });
});
