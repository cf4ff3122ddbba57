import { describe, expect, it } from 'vitest';
import { coachLogsOf } from './support/coach-logs.ts';
import { bearer, createUser, useTestApp } from './support/test-app.ts';

const t = useTestApp();
const cursorOf = (text: string) => Buffer.from(text).toString('base64url');
const uuid = '2b0c8a5e-6a53-4d54-9a55-2f1f6f0e8c11';

describe('input the database could not take is refused up front with 400', () => {
  it.each([
    ['/ask', { messages: [{ role: 'user', content: 'hello\u0000world' }] }],
    ['/ask', { messages: [{ role: 'user', content: 'hello' }], topic: 'x\u0000', stream: true }],
    ['/mood-logs', { mood: 5, stress: 5, notes: 'a\u0000b' }],
  ])('NUL characters in %s', async (url, payload) => {
    const user = await createUser();
    const response = await t.app.inject({ method: 'POST', url, headers: bearer(user), payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_characters');
    expect(await coachLogsOf(t.db, user.id)).toHaveLength(0);
    expect(t.fake.requests.filter((request) => JSON.stringify(request.body).includes('world'))).toHaveLength(
      0,
    );
  });

  it('accepts the text "\\u0000" (a backslash, not a NUL) and refuses a NUL in the URL', async () => {
    const user = await createUser();
    const text = await t.app.inject({
      method: 'POST',
      url: '/mood-logs',
      headers: { ...bearer(user), 'content-type': 'application/json' },
      payload: '{"mood":5,"stress":5,"notes":"C:\\\\u0000dir"}',
    });
    expect(text.statusCode, text.body).toBe(201);
    const inUrl = await t.app.inject({ method: 'GET', url: '/history?cursor=a%00b', headers: bearer(user) });
    expect(inUrl.json().error.code).toBe('invalid_characters');
  });

  it.each([
    `1|${uuid}`,
    `Feb 30 2020|${uuid}`,
    `x 2020|${uuid}`,
    `+275760-09-13T00:00:00Z|${uuid}`,
    `2020-01-01T00:00:00Z|${'-'.repeat(36)}`,
    `0000-01-01T00:00:00Z|${uuid}`,
  ])('a forged cursor %j', async (content) => {
    const user = await createUser();
    for (const url of ['/history', '/notes', '/notifications', '/memories']) {
      const response = await t.app.inject({
        method: 'GET',
        url: `${url}?cursor=${cursorOf(content)}`,
        headers: bearer(user),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid_cursor');
    }
  });

  it.each([
    ['POST', '/mood-logs', { mood: 5, stress: 5, logged_at: '0000-01-01T00:00:00Z' }],
    ['GET', '/mood-logs?from=0000-01-01T00:00:00Z', undefined],
    ['GET', `/mood-logs?from=${encodeURIComponent('9999-12-31T23:59:59-23:59')}`, undefined],
    ['POST', '/mood-logs', { mood: 5, stress: 5, logged_at: '2026-02-30T10:00:00Z' }],
  ] as const)('%s %s with an impossible date', async (method, url, payload) => {
    const user = await createUser();
    const response = await t.app.inject({ method, url, headers: bearer(user), payload });
    expect(response.statusCode).toBe(400);
  });
});

describe('junk usage from a compatible server', () => {
  it.each([
    { prompt_tokens: 1.5, completion_tokens: 3 },
    { prompt_tokens: -4, completion_tokens: 3 },
    { prompt_tokens: 1e300, completion_tokens: 3 },
  ])('is treated as unreported, not as a failure: %j', async (usage) => {
    const user = await createUser();
    t.fake.setDefault({ kind: 'reply', text: 'A fine answer.', usage });
    const response = await t.app.inject({
      method: 'POST',
      url: '/ask',
      headers: bearer(user),
      payload: { messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      success: true,
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    });
    const [log] = await coachLogsOf(t.db, user.id);
    expect(log).toMatchObject({ success: true, token_usage: null, prompt_tokens: null });
    t.fake.reset();
  });
});
