import autocannon from 'autocannon';

/** A signed-in caller of the lab's HTTP API (plain fetch, a real access token). */
export interface LabClient {
  call: <T = unknown>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;
  /** Like `call`, but throws unless the answer has the expected status. */
  ok: <T = unknown>(method: string, path: string, body?: unknown, status?: number) => Promise<T>;
  headers: Record<string, string>;
}

/** Logs in through `POST /auth/login`, as the web UI does. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<LabClient> {
  const response = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const { access_token: token } = (await response.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const reply = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? { authorization: headers.authorization } : headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // The bench reads the lab's documented responses; a wrong shape fails the bench's own checks.
    return { status: reply.status, body: (await reply.json()) as T };
  };
  return {
    call,
    headers,
    ok: async <T>(method: string, path: string, body?: unknown, status = 200) => {
      const reply = await call<T>(method, path, body);
      if (reply.status !== status) {
        throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 500)}`);
      }
      return reply.body;
    },
  };
}

export interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
  failed: number;
}

/** Percentiles of latencies in ms (nearest rank), with the rate over `seconds`. */
export function summarise(latencies: number[], seconds: number, failed = 0): Latency {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return {
    count: sorted.length,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted.at(-1) ?? 0,
    perSecond: sorted.length / seconds,
    failed,
  };
}

/**
 * Runs `fn` `times` times, one after another, timing each (stopping early once `budgetMs` is spent,
 * so a slow call cannot hold the benchmark for minutes); throws on the first failure.
 */
export async function timeSequential(
  times: number,
  fn: (n: number) => Promise<unknown>,
  budgetMs = Number.POSITIVE_INFINITY,
): Promise<Latency> {
  const latencies: number[] = [];
  const started = performance.now();
  for (let n = 0; n < times && performance.now() - started < budgetMs; n += 1) {
    const at = performance.now();
    await fn(n);
    latencies.push(performance.now() - at);
  }
  return summarise(latencies, (performance.now() - started) / 1000);
}

/** `clients` callers each running `fn` `times` times; latencies of all of them together. */
export async function timeConcurrent(
  clients: number,
  times: number,
  fn: (client: number, n: number) => Promise<unknown>,
): Promise<Latency> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let n = 0; n < times; n += 1) {
        const at = performance.now();
        await fn(client, n);
        latencies.push(performance.now() - at);
      }
    }),
  );
  return summarise(latencies, (performance.now() - started) / 1000);
}

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  /** The next request's path (and body): called for every request, so each can differ. */
  next: () => { path: string; body?: string };
}

/**
 * A closed-loop load of `connections` keep-alive clients for `seconds` (autocannon). Latencies are
 * taken from every response (not autocannon's whole-millisecond histogram); any non-2xx answer or
 * socket error counts as failed.
 */
export async function load(options: LoadOptions): Promise<Latency & { statuses: Record<string, number> }> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let failed = 0;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        connections: options.connections,
        duration: options.seconds,
        headers: options.headers,
        requests: [{ setupRequest: (request) => ({ ...request, ...options.next() }) }],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else failed += 1;
    });
  });
  failed += result.errors + result.timeouts;
  return { ...summarise(latencies, (performance.now() - started) / 1000, failed), statuses };
}
