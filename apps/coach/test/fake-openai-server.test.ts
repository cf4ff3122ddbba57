import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOpenAiServer } from './support/fake-openai-server.ts';
import { FAKE_DEFAULT_REPLY, fakeEmbedding, startFakeOpenAiServer } from './support/fake-openai-server.ts';

const clientFor = (server: FakeOpenAiServer, extra?: { timeout?: number }): OpenAI =>
  new OpenAI({ apiKey: 'test-key', baseURL: server.baseURL, maxRetries: 0, ...extra });

const ask = (client: OpenAI, content: string, model = 'gpt-4o-mini') =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content }] });

const cosine = (a: number[], b: number[]): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
};

/** Captures the rejection so tests can assert on the exact error class. */
const rejectionOf = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
};

describe('fake OpenAI server (shared instance)', () => {
  let server: FakeOpenAiServer;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startFakeOpenAiServer();
    client = clientFor(server);
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    await server.close();
  });

  it('exposes a 127.0.0.1 baseURL ending in /v1', () => {
    expect(server.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('answers a non-streaming chat completion with the default reply and estimated usage', async () => {
    const content = 'x'.repeat(10); // 10 chars -> ceil(10/4) = 3 prompt tokens
    const res = await ask(client, content);
    expect(res.object).toBe('chat.completion');
    expect(res.model).toBe('gpt-4o-mini');
    expect(res.choices).toHaveLength(1);
    expect(res.choices[0]?.message.role).toBe('assistant');
    expect(res.choices[0]?.message.content).toBe(FAKE_DEFAULT_REPLY);
    expect(res.choices[0]?.finish_reason).toBe('stop');
    expect(res.usage).toEqual({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
  });

  it('uses explicit usage when the behaviour provides it', async () => {
    server.setDefault({ kind: 'reply', text: 'custom', usage: { prompt_tokens: 11, completion_tokens: 22 } });
    const res = await ask(client, 'hi');
    expect(res.choices[0]?.message.content).toBe('custom');
    expect(res.usage).toEqual({ prompt_tokens: 11, completion_tokens: 22, total_tokens: 33 });
  });

  it('streams chunks and a final usage chunk when include_usage is set', async () => {
    server.setDefault({ kind: 'stream', chunks: ['Hel', 'lo ', 'world'] });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'abcdefgh' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let contentChunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let sawRole = false;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      const delta = chunk.choices[0]?.delta;
      if (delta?.role === 'assistant') sawRole = true;
      if (delta?.content) {
        text += delta.content;
        contentChunks++;
      }
      if (chunk.usage) {
        expect(chunk.choices).toEqual([]);
        usage = chunk.usage;
      }
    }
    expect(text).toBe('Hello world');
    expect(contentChunks).toBe(3);
    expect(sawRole).toBe(true);
    expect(usage).toEqual({ prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 });
  });

  it('omits the usage chunk when include_usage is not requested', async () => {
    server.setDefault({ kind: 'stream', chunks: ['a', 'b'] });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const usages: unknown[] = [];
    for await (const chunk of stream) if (chunk.usage) usages.push(chunk.usage);
    expect(usages).toEqual([]);
  });

  it('streams a reply behaviour split into several chunks when the client asks for a stream', async () => {
    server.setDefault({ kind: 'reply', text: 'one two three four five six seven eight' });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const chunk of stream) {
      const c = chunk.choices[0]?.delta.content;
      if (c) pieces.push(c);
    }
    expect(pieces.join('')).toBe('one two three four five six seven eight');
    expect(pieces.length).toBeGreaterThan(1);
  });

  it('returns a stream behaviour as one message for a non-streaming request', async () => {
    server.setDefault({ kind: 'stream', chunks: ['foo ', 'bar'] });
    const res = await ask(client, 'x');
    expect(res.choices[0]?.message.content).toBe('foo bar');
  });

  it('honours delayMs before answering', async () => {
    server.setDefault({ kind: 'reply', text: 'slow', delayMs: 150 });
    const started = performance.now();
    const res = await ask(client, 'x');
    // Small slack for timer granularity; no upper bound (CI machines stall).
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(res.choices[0]?.message.content).toBe('slow');
  });

  it('honours chunkDelayMs between streamed chunks', async () => {
    server.setDefault({ kind: 'stream', chunks: ['a', 'b', 'c'], chunkDelayMs: 60 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const arrivals: number[] = [];
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) arrivals.push(performance.now());
    }
    expect(arrivals).toHaveLength(3);
    expect(arrivals[2]! - arrivals[0]!).toBeGreaterThanOrEqual(110);
  });

  it('surfaces a 429 with retry-after as RateLimitError', async () => {
    server.setDefault({ kind: 'fail', status: 429, retryAfterSeconds: 7, message: 'slow down' });
    const err = await rejectionOf(ask(client, 'x'));
    expect(err).toBeInstanceOf(RateLimitError);
    const e = err as RateLimitError;
    expect(e.status).toBe(429);
    expect(e.headers.get('retry-after')).toBe('7');
    expect(e.message).toContain('slow down');
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.requestID).toMatch(/^req_fake_/);
  });

  it('surfaces a 500 as InternalServerError', async () => {
    server.setDefault({ kind: 'fail', status: 500 });
    const err = await rejectionOf(ask(client, 'x'));
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as InternalServerError).status).toBe(500);
    expect((err as InternalServerError).headers.get('retry-after')).toBeNull();
  });

  it('surfaces a 400 as BadRequestError', async () => {
    server.setDefault({ kind: 'fail', status: 400 });
    const err = await rejectionOf(ask(client, 'x'));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).status).toBe(400);
  });

  it('fails a streaming request before any chunk is produced', async () => {
    server.setDefault({ kind: 'fail', status: 503 });
    const err = await rejectionOf(
      client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      }),
    );
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as InternalServerError).status).toBe(503);
  });

  it('hangs until the client times out (APIConnectionTimeoutError)', async () => {
    server.setDefault({ kind: 'hang' });
    const started = performance.now();
    const err = await rejectionOf(ask(clientFor(server, { timeout: 200 }), 'x'));
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('hangs until the caller aborts (APIUserAbortError, not a timeout)', async () => {
    server.setDefault({ kind: 'hang' });
    const err = await rejectionOf(
      client.chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] },
        { signal: AbortSignal.timeout(100) },
      ),
    );
    expect(err).toBeInstanceOf(APIUserAbortError);
    expect(err).not.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('drops the connection, which surfaces as APIConnectionError (not a timeout)', async () => {
    server.setDefault({ kind: 'drop' });
    const err = await rejectionOf(ask(client, 'x'));
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err).not.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('forModel makes the primary model fail while the fallback succeeds', async () => {
    server.forModel('primary', { kind: 'fail', status: 503 });
    server.forModel('fallback', { kind: 'reply', text: 'from fallback' });
    const err = await rejectionOf(ask(client, 'x', 'primary'));
    expect((err as InternalServerError).status).toBe(503);
    const res = await ask(client, 'x', 'fallback');
    expect(res.choices[0]?.message.content).toBe('from fallback');
    // Sticky: still failing on the next call; other models get the default.
    expect(await rejectionOf(ask(client, 'x', 'primary'))).toBeInstanceOf(InternalServerError);
    expect((await ask(client, 'x', 'other')).choices[0]?.message.content).toBe(FAKE_DEFAULT_REPLY);
  });

  it('consumes queued behaviours in order before model overrides and the default', async () => {
    server.forModel('gpt-4o-mini', { kind: 'reply', text: 'override' });
    server.enqueue({ kind: 'reply', text: 'first' }, { kind: 'fail', status: 500 });
    server.enqueue({ kind: 'reply', text: 'third' });
    expect((await ask(client, 'x')).choices[0]?.message.content).toBe('first');
    expect(await rejectionOf(ask(client, 'x'))).toBeInstanceOf(InternalServerError);
    expect((await ask(client, 'x')).choices[0]?.message.content).toBe('third');
    expect((await ask(client, 'x')).choices[0]?.message.content).toBe('override');
  });

  it('records requests in order with headers and parsed bodies', async () => {
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a strict coach.' },
        { role: 'user', content: 'hello' },
      ],
      temperature: 0.2,
    });
    await client.models.list();
    expect(server.requests).toHaveLength(2);
    const [chat, models] = server.requests;
    expect(chat?.method).toBe('POST');
    expect(chat?.path).toBe('/v1/chat/completions');
    expect(chat?.headers.authorization).toBe('Bearer test-key');
    expect(chat?.body.messages[0]).toEqual({ role: 'system', content: 'You are a strict coach.' });
    expect(chat?.body.temperature).toBe(0.2);
    expect(typeof chat?.receivedAt).toBe('number');
    expect(models?.method).toBe('GET');
    expect(models?.path).toBe('/v1/models');
  });

  it('reset() clears queue, overrides and requests, and restores the default', async () => {
    server.setDefault({ kind: 'fail', status: 500 });
    server.forModel('gpt-4o-mini', { kind: 'fail', status: 500 });
    server.enqueue({ kind: 'fail', status: 500 });
    await rejectionOf(ask(client, 'x'));
    const sameArray = server.requests;
    server.reset();
    expect(sameArray).toHaveLength(0);
    expect((await ask(client, 'x')).choices[0]?.message.content).toBe(FAKE_DEFAULT_REPLY);
    expect(server.requests).toBe(sameArray);
    expect(server.requests).toHaveLength(1);
  });

  it('returns deterministic, normalised embeddings of the requested length', async () => {
    const texts = [
      'the cat sat on the warm mat',
      'a cat sat on a mat',
      'quarterly revenue forecast spreadsheet',
    ];
    const first = await client.embeddings.create({ model: 'text-embedding-3-small', input: texts });
    const again = await client.embeddings.create({ model: 'text-embedding-3-small', input: texts[0]! });
    expect(first.object).toBe('list');
    expect(first.model).toBe('text-embedding-3-small');
    expect(first.data.map((d) => d.index)).toEqual([0, 1, 2]);
    const [a, b, c] = first.data.map((d) => d.embedding);
    expect(a).toHaveLength(1536);
    expect(again.data[0]?.embedding).toEqual(a);
    const norm = Math.sqrt(a!.reduce((s, v) => s + v * v, 0));
    expect(norm).toBeCloseTo(1, 5);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.3);
    expect(first.usage.prompt_tokens).toBeGreaterThan(0);
    // The SDK asks for base64 by default; the decoded float32 values match the exported helper.
    expect(server.requests[0]?.body.encoding_format).toBe('base64');
    const expected = fakeEmbedding(texts[0]!, 1536);
    a!.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 6);
    });
  });

  it('honours body.dimensions and encoding_format float', async () => {
    const res = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello world',
      dimensions: 64,
      encoding_format: 'float',
    });
    expect(res.data[0]?.embedding).toHaveLength(64);
    expect(res.data[0]?.embedding).toEqual(fakeEmbedding('hello world', 64));
  });

  it('sends base64 little-endian float32 on the wire when encoding_format is base64', async () => {
    const raw = await fetch(`${server.baseURL}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: 'hello world', dimensions: 8, encoding_format: 'base64' }),
    });
    const json = (await raw.json()) as { data: { embedding: unknown }[] };
    const encoded = json.data[0]?.embedding;
    expect(typeof encoded).toBe('string');
    const buf = Buffer.from(encoded as string, 'base64');
    const decoded = Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4));
    expect(decoded).toHaveLength(8);
    decoded.forEach((v, i) => {
      expect(v).toBeCloseTo(fakeEmbedding('hello world', 8)[i]!, 6);
    });
  });

  it('embeddings honour fail behaviours but leave queued replies for chat', async () => {
    server.enqueue({ kind: 'fail', status: 429 }, { kind: 'reply', text: 'for chat' });
    const err = await rejectionOf(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }));
    expect(err).toBeInstanceOf(RateLimitError);
    const ok = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    expect(ok.data).toHaveLength(1);
    expect((await ask(client, 'x')).choices[0]?.message.content).toBe('for chat');
  });

  it('lists models', async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(ids).toContain('gpt-4o-mini');
  });

  it('answers unknown paths with a 404 JSON error and malformed JSON with a 400', async () => {
    const notFound = await fetch(`${server.baseURL}/nope`);
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as { error: { message: string } }).error.message).toContain('/v1/nope');

    const bad = await fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model": ',
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { type: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(server.requests.at(-1)?.body).toBe('{"model": ');
  });

  it('caps recorded requests, keeping the newest', async () => {
    const total = 1010;
    for (let i = 0; i < total; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, total - i) }, (_, j) =>
          fetch(`${server.baseURL}/embeddings`, {
            method: 'POST',
            body: JSON.stringify({ model: 'm', input: `n${i + j}`, dimensions: 1 }),
          }).then((r) => r.arrayBuffer()),
        ),
      );
    }
    expect(server.requests).toHaveLength(1000);
    expect(server.requests.at(-1)?.receivedAt).toBeGreaterThanOrEqual(server.requests[0]!.receivedAt);
    expect(server.requests.some((r) => r.body.input === 'n0')).toBe(false);
  });
});

describe('fake OpenAI server lifecycle', () => {
  const started: FakeOpenAiServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });

  it('does not record when recordRequests is false', async () => {
    const server = await startFakeOpenAiServer({ recordRequests: false });
    started.push(server);
    await ask(clientFor(server), 'x');
    expect(server.requests).toHaveLength(0);
  });

  it('close() resolves while a request hangs, and the hanging client sees a connection error', async () => {
    const server = await startFakeOpenAiServer();
    started.push(server);
    server.setDefault({ kind: 'hang' });
    const pending = rejectionOf(ask(clientFor(server), 'x'));
    // Wait until the server has actually received the request before closing.
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await server.close();
    const err = await pending;
    expect(err).toBeInstanceOf(APIConnectionError);
    // Closed for real: new connections are refused.
    expect(await rejectionOf(fetch(`${server.baseURL}/models`))).toBeInstanceOf(TypeError);
  });

  it('close() also cancels pending delays and is idempotent', async () => {
    const server = await startFakeOpenAiServer();
    started.push(server);
    server.setDefault({ kind: 'reply', text: 'late', delayMs: 60_000 });
    const pending = rejectionOf(ask(clientFor(server), 'x'));
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const t0 = performance.now();
    await Promise.all([server.close(), server.close()]);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(await pending).toBeInstanceOf(APIConnectionError);
  });
});
