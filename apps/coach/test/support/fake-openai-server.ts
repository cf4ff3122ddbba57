/**
 * A real HTTP server that imitates the subset of the OpenAI API our code uses, so integration tests and
 * benchmarks can drive the official `openai` SDK end to end (real sockets, real SSE parsing, real error
 * classes) without network access or cost.
 *
 * Behaviour selection for `POST /v1/chat/completions`, first match wins:
 *   1. the next one-shot behaviour from `enqueue()` (consumed),
 *   2. a sticky behaviour registered with `forContent(text)` when any message contains that text,
 *   3. the sticky behaviour registered with `forModel(body.model)`,
 *   3. the default behaviour (`setDefault()`, initially a short reply).
 *
 * `POST /v1/embeddings` resolves a behaviour with the same priority but only acts on `fail`, `hang` and
 * `drop` (a queued one is consumed); for `reply`/`stream` it always answers with embeddings and leaves a
 * queued reply/stream in place for the next chat request. That keeps "make the next call fail" useful for
 * embeddings without letting embedding calls silently eat the replies a test queued for chat.
 *
 * Hot path rules (benchmarks run through this): no logging, no sync heavy work, one write per response
 * unless a chunk delay forces incremental SSE writes.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  /** Reported as `usage.prompt_tokens_details.cached_tokens` (streamed in the usage chunk too). */
  cached_tokens?: number;
}

/**
 * `answeredAs`: the model the answer names, when not the one asked for (providers answer a request
 * for "gpt-4o" as a dated snapshot such as "gpt-4o-2024-08-06").
 */
export type FakeBehaviour =
  | { kind: 'reply'; text: string; delayMs?: number; usage?: FakeUsage; answeredAs?: string }
  | {
      kind: 'stream';
      chunks: string[];
      delayMs?: number;
      chunkDelayMs?: number;
      usage?: FakeUsage;
      answeredAs?: string;
    }
  | { kind: 'fail'; status: 429 | 500 | 503 | 400; retryAfterSeconds?: number; message?: string }
  | { kind: 'hang' }
  | { kind: 'drop' };

export interface RecordedRequest {
  /** URL path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body; `undefined` for an empty body, the raw text when the body was not valid JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests poke into arbitrary request shapes (body.messages[0].content)
  body: any;
  receivedAt: number;
}

export interface FakeOpenAiServer {
  /** e.g. `http://127.0.0.1:PORT/v1`, ready to pass as the SDK's `baseURL`. */
  baseURL: string;
  /** Every request received, oldest first, capped at the newest MAX_RECORDED_REQUESTS. Same array across reset(). */
  requests: RecordedRequest[];
  setDefault(b: FakeBehaviour): void;
  enqueue(...b: FakeBehaviour[]): void;
  forModel(model: string, b: FakeBehaviour): void;
  /** Sticky behaviour for chat requests whose messages contain `text` (e.g. one user's name). */
  forContent(text: string, b: FakeBehaviour): void;
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_DEFAULT_REPLY = 'Hello from the fake model.';
export const FAKE_MODEL_IDS: readonly string[] = ['gpt-4o-mini', 'text-embedding-3-small'];

/** Cap so long benchmark runs don't grow memory without bound. */
const MAX_RECORDED_REQUESTS = 1000;
const DEFAULT_EMBEDDING_DIMENSIONS = 1536;
/** Guard against a typo'd `dimensions` allocating a giant vector. */
const MAX_EMBEDDING_DIMENSIONS = 16_384;
/** A 'reply' served to a stream:true request is split into at most this many content chunks. */
const REPLY_STREAM_CHUNKS = 4;

const initialBehaviour = (): FakeBehaviour => ({ kind: 'reply', text: FAKE_DEFAULT_REPLY });

// OpenAI-style error `type`/`code` per status, so client code that branches on them sees realistic values.
const FAILURE_SHAPES: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request (fake).' },
  404: { type: 'invalid_request_error', code: 'unknown_url', message: 'Unknown URL (fake).' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached (fake).' },
  500: { type: 'server_error', code: null, message: 'The server had an error (fake).' },
  503: { type: 'server_error', code: 'service_unavailable', message: 'The engine is overloaded (fake).' },
};

export async function startFakeOpenAiServer(opts?: { recordRequests?: boolean }): Promise<FakeOpenAiServer> {
  const recordRequests = opts?.recordRequests !== false;
  const requests: RecordedRequest[] = [];
  const queue: FakeBehaviour[] = [];
  const modelOverrides = new Map<string, FakeBehaviour>();
  const contentOverrides = new Map<string, FakeBehaviour>();
  let defaultBehaviour = initialBehaviour();
  let counter = 0;
  // Tracked ourselves so close() can destroy keep-alive and hanging sockets; otherwise the process can't exit.
  const sockets = new Set<Socket>();

  const pickBehaviour = (
    model: unknown,
    consumeQueued: (b: FakeBehaviour) => boolean,
    messages?: unknown,
  ): FakeBehaviour => {
    const head = queue[0];
    if (head !== undefined) {
      if (consumeQueued(head)) queue.shift();
      return head;
    }
    if (contentOverrides.size > 0 && Array.isArray(messages)) {
      const text = messages
        .map((message) => String((message as { content?: unknown })?.content ?? ''))
        .join('\n');
      for (const [needle, behaviour] of contentOverrides) if (text.includes(needle)) return behaviour;
    }
    if (typeof model === 'string') {
      const override = modelOverrides.get(model);
      if (override !== undefined) return override;
    }
    return defaultBehaviour;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const requestId = `req_fake_${++counter}`;
    res.setHeader('x-request-id', requestId);

    // Pushed on arrival (body filled in later) so `requests` reflects arrival order even when bodies interleave.
    let record: RecordedRequest | undefined;
    if (recordRequests) {
      record = { path, method, headers: req.headers, body: undefined, receivedAt: Date.now() };
      requests.push(record);
      if (requests.length > MAX_RECORDED_REQUESTS) requests.shift();
    }

    const raw = await readBody(req);
    if (raw === null || res.destroyed) return; // client went away mid-upload
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        if (record) record.body = raw;
        sendError(res, 400, 'We could not parse the JSON body of your request. (fake)');
        return;
      }
    }
    if (record) record.body = body;

    if (method === 'POST' && path === '/v1/chat/completions') {
      await handleChat(res, body, requestId);
    } else if (method === 'POST' && path === '/v1/embeddings') {
      await handleEmbeddings(res, body);
    } else if (method === 'GET' && path === '/v1/models') {
      const created = nowSeconds();
      sendJson(res, 200, {
        object: 'list',
        data: FAKE_MODEL_IDS.map((id) => ({ id, object: 'model', created, owned_by: 'fake-openai' })),
      });
    } else {
      sendError(res, 404, `Unknown request URL: ${method} ${path}. (fake)`);
    }
  };

  const handleChat = async (res: ServerResponse, body: unknown, requestId: string): Promise<void> => {
    if (!isRecord(body) || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
      sendError(res, 400, "Chat requests need a string 'model' and an array 'messages'. (fake)");
      return;
    }
    const behaviour = pickBehaviour(body.model, () => true, body.messages);
    if (!(await applyFailure(res, behaviour))) return;
    if (behaviour.kind !== 'reply' && behaviour.kind !== 'stream') return;

    const model = behaviour.answeredAs ?? body.model;
    const id = `chatcmpl-${requestId}`;
    const wantsStream = body.stream === true;
    const chunks =
      behaviour.kind === 'stream'
        ? behaviour.chunks
        : wantsStream
          ? splitForStream(behaviour.text)
          : undefined;
    const text = behaviour.kind === 'reply' ? behaviour.text : behaviour.chunks.join('');
    const given = behaviour.usage;
    const promptTokens = given?.prompt_tokens ?? estimatePromptTokens(body.messages);
    const completionTokens = given?.completion_tokens ?? countWords(text);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      ...(given?.cached_tokens === undefined
        ? {}
        : { prompt_tokens_details: { cached_tokens: given.cached_tokens } }),
    };
    const chunkDelayMs = behaviour.kind === 'stream' ? (behaviour.chunkDelayMs ?? 0) : 0;

    if (!wantsStream || chunks === undefined) {
      // A 'stream' behaviour answering a non-streaming request still takes as long as generating it would.
      const delay = (behaviour.delayMs ?? 0) + chunkDelayMs * Math.max(0, (chunks?.length ?? 1) - 1);
      if (!(await wait(delay, res))) return;
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created: nowSeconds(),
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage,
        system_fingerprint: 'fp_fake',
      });
      return;
    }

    if (!(await wait(behaviour.delayMs ?? 0, res))) return;
    const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    const created = nowSeconds();
    // Like the real API, every chunk carries `usage: null` when usage was requested, except the final one.
    const usageField = includeUsage ? ',"usage":null' : '';
    const prefix = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":"fp_fake"`;
    const event = (choice: string): string => `${prefix},"choices":[${choice}]${usageField}}\n\n`;
    const contentEvent = (content: string): string =>
      event(
        `{"index":0,"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}`,
      );

    const head = event(
      '{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}',
    );
    let tail = event('{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}');
    if (includeUsage) tail += `${prefix},"choices":[],"usage":${JSON.stringify(usage)}}\n\n`;
    tail += 'data: [DONE]\n\n';

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    if (chunkDelayMs <= 0) {
      // Single write: cheapest path for benchmarks.
      let all = head;
      for (const c of chunks) all += contentEvent(c);
      res.end(all + tail);
      return;
    }
    res.write(head);
    for (let i = 0; i < chunks.length; i++) {
      if (i > 0 && !(await wait(chunkDelayMs, res))) return;
      res.write(contentEvent(chunks[i] ?? ''));
    }
    res.end(tail);
  };

  const handleEmbeddings = async (res: ServerResponse, body: unknown): Promise<void> => {
    const input = isRecord(body) ? body.input : undefined;
    const inputs = typeof input === 'string' ? [input] : isStringArray(input) ? input : undefined;
    if (!isRecord(body) || typeof body.model !== 'string' || inputs === undefined) {
      sendError(
        res,
        400,
        "Embedding requests need a string 'model' and a string or string[] 'input'. (fake)",
      );
      return;
    }
    const behaviour = pickBehaviour(body.model, isFailureKind);
    if (!(await applyFailure(res, behaviour))) return;

    const dims = body.dimensions;
    const dimensions =
      typeof dims === 'number' && Number.isInteger(dims) && dims > 0 && dims <= MAX_EMBEDDING_DIMENSIONS
        ? dims
        : DEFAULT_EMBEDDING_DIMENSIONS;
    // The SDK asks for base64 by default (and decodes it back to numbers), so support both encodings.
    const base64 = body.encoding_format === 'base64';
    let chars = 0;
    const data = inputs.map((text, index) => {
      chars += text.length;
      const vec = fakeEmbedding(text, dimensions);
      return {
        object: 'embedding',
        index,
        embedding: base64 ? Buffer.from(new Float32Array(vec).buffer).toString('base64') : vec,
      };
    });
    const promptTokens = Math.max(1, Math.ceil(chars / 4));
    sendJson(res, 200, {
      object: 'list',
      data,
      model: body.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // Never log (benchmarks); just make sure the client isn't left waiting on a bug in the fake.
      if (!res.headersSent && !res.destroyed) sendError(res, 500, 'Fake server internal error.');
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    setDefault(b) {
      defaultBehaviour = b;
    },
    enqueue(...b) {
      queue.push(...b);
    },
    forContent(text, b) {
      contentOverrides.set(text, b);
    },
    forModel(model, b) {
      modelOverrides.set(model, b);
    },
    reset() {
      queue.length = 0;
      modelOverrides.clear();
      contentOverrides.clear();
      requests.length = 0; // keep the array identity: callers may hold a reference to `server.requests`
      defaultBehaviour = initialBehaviour();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        // server.close() only stops accepting; hanging/keep-alive sockets must be destroyed explicitly.
        // Destroying a socket fires the response's 'close', which also cancels any pending delay timers.
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      });
      return closing;
    },
  };
}

/**
 * Deterministic, L2-normalised embedding from a hashed bag of words (signed feature hashing), so texts that
 * share words have positive cosine similarity and unrelated texts sit near zero. Exported so tests can
 * compute the vector the fake will return.
 */
export function fakeEmbedding(text: string, dimensions: number = DEFAULT_EMBEDDING_DIMENSIONS): number[] {
  const vec = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (words === null) {
    // No words: still return a valid unit vector rather than NaNs from normalising zero.
    if (dimensions > 0) vec[0] = 1;
    return vec;
  }
  for (const word of words) {
    const h = fnv1a(word);
    const idx = h % dimensions;
    // The sign comes from differently-mixed bits than the index so collisions cancel out on average.
    const sign = fmix32(h) & 1 ? -1 : 1;
    vec[idx] = (vec[idx] ?? 0) + sign;
  }
  let norm = 0;
  for (const v of vec) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm === 0) {
    // Every word collided and cancelled out; fall back to a fixed unit vector.
    vec[0] = 1;
    return vec;
  }
  for (let i = 0; i < dimensions; i++) vec[i] = (vec[i] ?? 0) / norm;
  return vec;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fmix32(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function isFailureKind(b: FakeBehaviour): boolean {
  return b.kind === 'fail' || b.kind === 'hang' || b.kind === 'drop';
}

/** Carries out fail/hang/drop. Returns true when the caller should go on and answer normally. */
async function applyFailure(res: ServerResponse, b: FakeBehaviour): Promise<boolean> {
  switch (b.kind) {
    case 'fail': {
      if (b.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(b.retryAfterSeconds));
      sendError(res, b.status, b.message);
      return false;
    }
    case 'hang':
      // Deliberately never answer; the socket dies when the client aborts or close() destroys it.
      return false;
    case 'drop':
      res.socket?.destroy();
      return false;
    default:
      return true;
  }
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  if (res.destroyed) return;
  const json = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

function sendError(res: ServerResponse, status: number, message?: string): void {
  const shape = FAILURE_SHAPES[status] ?? { type: 'api_error', code: null, message: 'Fake failure.' };
  sendJson(res, status, {
    error: { message: message ?? shape.message, type: shape.type, param: null, code: shape.code },
  });
}

/** Resolves with the body text, or null if the connection closed before the body was complete. */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.once('end', () =>
      resolve(parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8')),
    );
    req.once('error', () => resolve(null));
    req.once('close', () => {
      if (!req.complete) resolve(null);
    });
  });
}

/**
 * Waits `ms` but gives up as soon as the response closes (client abort or server close), so no timer
 * outlives its connection. Resolves true if the wait completed and the response is still writable.
 */
function wait(ms: number, res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    res.once('close', onClose);
  });
}

/** Splits text at word boundaries into at most REPLY_STREAM_CHUNKS pieces whose concatenation is the text. */
function splitForStream(text: string): string[] {
  if (text.length === 0) return [];
  const words = text.split(/(?<=\s)(?=\S)/);
  const size = Math.ceil(words.length / REPLY_STREAM_CHUNKS);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out;
}

function estimatePromptTokens(messages: unknown[]): number {
  let chars = 0;
  for (const m of messages) {
    if (!isRecord(m)) continue;
    const content = m.content;
    if (typeof content === 'string') chars += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (isRecord(part) && typeof part.text === 'string') chars += part.text.length;
      }
    }
  }
  return Math.max(1, Math.ceil(chars / 4));
}

function countWords(text: string): number {
  return Math.max(1, text.match(/\S+/g)?.length ?? 0);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}
