import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { coachLogsOf } from './support/coach-logs.ts';
import { readSse } from './support/sse-client.ts';
import { bearer, createUser, type TestUser, useTestApp } from './support/test-app.ts';

let baseUrl: string;

const t = useTestApp({ OPENAI_MODEL: 'primary-model', OPENAI_FALLBACK_MODEL: 'fallback-model' });

beforeAll(async () => {
  baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
beforeEach(() => t.fake.reset());

function streamAsk(user: TestUser, content = 'Give me a stretching routine', signal?: AbortSignal) {
  return fetch(`${baseUrl}/ask`, {
    method: 'POST',
    headers: { ...bearer(user), 'content-type': 'application/json', origin: 'http://localhost:3000' },
    body: JSON.stringify({
      messages: [{ role: 'user', content }],
      stream: true,
      session_id: 'stream-session',
    }),
    signal,
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('POST /ask with stream: true', () => {
  it('streams delta events then one done event with the full answer and usage', async () => {
    const user = await createUser();
    t.fake.setDefault({
      kind: 'stream',
      chunks: ['Reach ', 'for the ', 'sky.'],
      usage: { prompt_tokens: 50, completion_tokens: 3 },
    });
    const response = await streamAsk(user);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('cache-control')).toContain('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const events = await readSse(response);
    const deltas = events
      .filter((event) => event.event === 'delta')
      .map((event) => (event.data as { text: string }).text);
    // Deltas may be merged (the safety gate holds back the newest text until it is checked).
    expect(deltas.join('')).toBe('Reach for the sky.');
    expect(events.at(-1)).toEqual({
      event: 'done',
      data: {
        success: true,
        reply: 'Reach for the sky.',
        session_id: 'stream-session',
        model: 'primary-model',
        usage: { prompt_tokens: 50, completion_tokens: 3, total_tokens: 53 },
      },
    });
    const sent = t.fake.requests.at(-1)?.body as { stream: boolean; stream_options: unknown };
    expect(sent).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const logs = await coachLogsOf(t.db, user.id);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ success: true, ai_response: 'Reach for the sky.', token_usage: 53 });
  });

  it('streams a fallback as one delta and a done event when the models fail', async () => {
    const user = await createUser();
    t.fake.setDefault({ kind: 'fail', status: 503 });
    const events = await readSse(await streamAsk(user));
    expect(events.map((event) => event.event)).toEqual(['delta', 'done']);
    expect(events[1]?.data).toMatchObject({ success: false, fallback: true, reason: 'upstream_error' });
    const [delta, done] = events.map((event) => event.data as { text?: string; reply?: string });
    expect(delta?.text).toBe(done?.reply);
  });

  it('sends crisis support without calling the model', async () => {
    const user = await createUser();
    const events = await readSse(await streamAsk(user, 'I feel like ending my life'));
    expect(events[1]?.data).toMatchObject({ reason: 'crisis_support' });
    expect(t.fake.requests).toHaveLength(0);
  });

  it('never streams a blocked phrase: the model is stopped and done carries the safe reply', async () => {
    const user = await createUser();
    const chunks = [
      'Rest is great. ',
      'Honestly, you should ',
      'stop taking your ',
      'medication and ',
      'see how it goes.',
    ];
    t.fake.setDefault({ kind: 'stream', chunks, chunkDelayMs: 20 });
    const events = await readSse(await streamAsk(user));
    const streamed = events
      .filter((event) => event.event === 'delta')
      .map((event) => (event.data as { text: string }).text)
      .join('');
    expect(streamed).not.toMatch(/stop taking your/);
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    expect(done?.data).toMatchObject({ success: false, fallback: true, reason: 'safety_blocked' });
    const [log] = await coachLogsOf(t.db, user.id);
    expect(log?.blocked_response).toContain('stop taking your');
    expect(log?.fallback_reason).toBe('safety_blocked');
  });

  it('releases a long safe reply completely, in order', async () => {
    const user = await createUser();
    const chunks = Array.from({ length: 30 }, (_, i) => `Step ${i}: breathe and stretch gently. `);
    t.fake.setDefault({ kind: 'stream', chunks });
    const events = await readSse(await streamAsk(user));
    const streamed = events
      .filter((event) => event.event === 'delta')
      .map((event) => (event.data as { text: string }).text)
      .join('');
    expect(streamed).toBe(chunks.join(''));
    expect((events.at(-1)?.data as { reply?: string } | undefined)?.reply).toBe(chunks.join('').trim());
  });

  it('still answers validation errors as JSON 400 before any event is sent', async () => {
    const user = await createUser();
    const response = await fetch(`${baseUrl}/ask`, {
      method: 'POST',
      headers: { ...bearer(user), 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'assistant', content: 'hi' }], stream: true }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe('last_message_not_user');
  });

  it('logs the partial text when the client disconnects mid-stream', async () => {
    const user = await createUser();
    const chunks = Array.from({ length: 20 }, (_, i) => `part${i} `);
    t.fake.setDefault({ kind: 'stream', chunks, chunkDelayMs: 100 });
    const controller = new AbortController();
    const response = await streamAsk(user, 'Tell me a long story', controller.signal);
    // The first delta arrives once the safety gate has seen enough text after it.
    await readSse(response, (event) => event.event === 'delta').catch(() => []);
    controller.abort();
    const [log] = await waitFor(async () => {
      const logs = await coachLogsOf(t.db, user.id);
      return logs.length > 0 ? logs : undefined;
    });
    expect(log).toMatchObject({ success: false, fallback_reason: 'client_disconnected' });
    expect(log?.ai_response.startsWith('part0 part1 part2')).toBe(true);
    expect(log?.ai_response.length).toBeLessThan(chunks.join('').length);
    // Exactly one row, even though the stream ended early.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await coachLogsOf(t.db, user.id)).toHaveLength(1);
  });
});

describe('POST /ask without streaming, client gone', () => {
  it('stops waiting for the model and logs the disconnect', async () => {
    const user = await createUser();
    t.fake.setDefault({ kind: 'reply', text: 'A slow answer.', delayMs: 1_500 });
    const controller = new AbortController();
    const pending = fetch(`${baseUrl}/ask`, {
      method: 'POST',
      headers: { ...bearer(user), 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Take your time' }] }),
      signal: controller.signal,
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    await pending;
    const started = Date.now();
    const [log] = await waitFor(async () => {
      const logs = await coachLogsOf(t.db, user.id);
      return logs.length > 0 ? logs : undefined;
    });
    expect(log).toMatchObject({ success: false, fallback_reason: 'client_disconnected' });
    // The model call was abandoned, not awaited to the end.
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
