import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { openPglite, pgliteDatabase } from '../src/db/pglite-database.ts';
import { postgresDatabase } from '../src/db/postgres-database.ts';
import { createHttpApp, encapsulate, errorResponses, type HttpApp } from '../src/http/index.ts';
import {
  activeTracer,
  inSpan,
  startTelemetry,
  type Telemetry,
  traceJobRun,
  withTraceHeaders,
} from '../src/telemetry/index.ts';
import type { TelemetryConfig } from '../src/telemetry/telemetry-config.ts';
import { type FakeOtlpCollector, startFakeOtlpCollector } from '../src/testing/fake-otlp-collector.ts';
import { testAdminUrl } from '../src/testing/test-database.ts';

const secret = 'ann@example.com';
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const callerSpanId = '00f067aa0ba902b7';

let db: Database<unknown>;
let answered: () => void = () => {};
let finished = new Promise<void>((resolve) => {
  answered = resolve;
});
let workDone: () => void = () => {};
let collector: FakeOtlpCollector;

beforeAll(async () => {
  db =
    process.env.TEST_DB === 'postgres'
      ? postgresDatabase(testAdminUrl(), 'postgres', 2)
      : await pgliteDatabase(await openPglite('memory://'), 'postgres');
  collector = await startFakeOtlpCollector();
});
afterAll(async () => {
  await db?.close();
  await collector?.close();
});

const config = (tracesUrl: string | undefined): TelemetryConfig => ({
  tracesUrl,
  serviceName: 'tracing-test',
  headers: { authorization: 'Bearer collector-token' },
  sampler: 'parentbased_always_on',
  samplerRatio: 1,
});

/** An app whose routes each run statements carrying a value that must never reach a span. */
async function buildApp(): Promise<HttpApp> {
  const app = await createHttpApp({
    service: { name: 'tracing', version: '0.0.0', description: 'test' },
    logLevel: 'silent',
    allowedOrigins: [],
    trustProxy: false,
    anonymousPerMinute: 1_000,
    health: {},
  });
  await encapsulate(app, async (scope) => {
    scope.get(
      '/things/:id',
      {
        schema: {
          params: Type.Object({ id: Type.String() }),
          response: { 200: Type.Object({ email: Type.String() }), ...errorResponses(400) },
        },
      },
      async (request) => {
        const { rows } = await sql<{
          email: string;
        }>`select ${secret}::text as email, ${request.params.id}::text as id`.execute(db.kysely);
        // A one-trip scope inlines its values into the text it sends.
        await sql`select ${secret}::text as inlined`.execute(db.withSettings({ 'app.user_email': secret }));
        return { email: rows[0]?.email ?? '' };
      },
    );
    scope.post(
      '/things',
      {
        schema: {
          body: Type.Object({ name: Type.String() }),
          response: { 200: Type.Object({ ok: Type.Boolean() }), ...errorResponses(400, 413, 415) },
        },
      },
      async (request) => {
        await sql`select ${request.body.name}::text as name`.execute(db.kysely);
        return { ok: true };
      },
    );
    // The headers a call to another service would carry.
    scope.get('/outgoing-headers', async () => withTraceHeaders({ accept: 'application/json' }));
    // Answers at once and leaves work running, as starting a workflow run does.
    scope.get('/start-work', async () => {
      void (async () => {
        await finished;
        await sql`select 'after the answer'`.execute(db.kysely);
        await inSpan('call after the answer', {}, async () => sql`select 1`.execute(db.kysely));
        workDone();
      })();
      return {};
    });
    scope.get('/broken', async () => {
      await sql`select * from no_such_table`.execute(db.kysely);
      return {};
    });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return app;
}

const baseOf = (app: HttpApp) => {
  const address = app.server.address();
  return typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
};

describe('tracing off (no endpoint configured)', () => {
  it('starts no SDK, adds no hooks and sends nothing, even with OTEL_EXPORTER_OTLP_ENDPOINT in the environment', async () => {
    // The SDK reads this variable itself; the explicit (empty) config must win.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.endpoint;
    try {
      const telemetry = await startTelemetry(config(undefined), { version: '0.0.0' });
      expect(telemetry.enabled).toBe(false);
      expect(activeTracer()).toBeUndefined();
      const app = await buildApp();
      try {
        const response = await fetch(`${baseOf(app)}/things/1`, {
          headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
        });
        expect(response.status).toBe(200);
        expect(app.hasRequestDecorator('traceContext')).toBe(false);
        await traceJobRun('nightly', { id: 'j1' }, async () => sql`select 1`.execute(db.kysely));
        await telemetry.flush();
        await telemetry.shutdown();
      } finally {
        await app.close();
      }
      await sleep(300);
      expect(collector.requests).toEqual([]);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    }
  });
});

describe('tracing on, exporting to a collector', () => {
  let telemetry: Telemetry;
  let app: HttpApp;
  let base: string;
  beforeAll(async () => {
    telemetry = await startTelemetry(config(`${collector.endpoint}/v1/traces`), { version: '1.2.3' });
    app = await buildApp();
    base = baseOf(app);
  });
  afterAll(async () => {
    await app?.close();
    await telemetry?.shutdown();
  });

  it('records a server span by route pattern with child database spans, and no values', async () => {
    const response = await fetch(`${base}/things/42?email=${encodeURIComponent(secret)}`);
    expect(response.status).toBe(200);
    await telemetry.flush();
    const server = await collector.waitForSpan((span) => span.name === 'GET /things/:id');
    expect(server).toMatchObject({
      kind: 2,
      parentSpanId: undefined,
      statusCode: 0,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/things/:id',
        'url.path': '/things/42',
        'http.response.status_code': 200,
      },
      resource: { 'service.name': 'tracing-test' },
    });
    const children = collector.spans.filter((span) => span.parentSpanId === server.spanId);
    expect(children.map((span) => span.name)).toEqual(['SELECT', 'SELECT']);
    for (const child of children) {
      expect(child).toMatchObject({
        traceId: server.traceId,
        kind: 3,
        attributes: {
          'db.system.name': 'postgresql',
          'db.system': 'postgresql',
          'db.operation.name': 'SELECT',
        },
      });
    }
    expect(children[0]?.attributes['db.query.text']).toBe('select $1::text as email, $2::text as id');
    expect(children[1]?.attributes['db.query.text']).toBe('select ?::text as inlined');
    // Neither the value, nor the query string, nor the collector's credentials in any span.
    expect(JSON.stringify(collector.spans)).not.toContain(secret.split('@')[0]);
    expect(collector.requests[0]?.authorization).toBe('Bearer collector-token');
  });

  it('continues the trace of an incoming traceparent, also past a request body', async () => {
    const response = await fetch(`${base}/things`, {
      method: 'POST',
      headers: {
        traceparent: `00-${traceId}-${callerSpanId}-01`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: secret }),
    });
    expect(response.status).toBe(200);
    await telemetry.flush();
    const server = await collector.waitForSpan((span) => span.name === 'POST /things');
    expect(server).toMatchObject({ traceId, parentSpanId: callerSpanId });
    // The body arrives on stream events; the statement still nests under the request's span.
    const statement = await collector.waitForSpan((span) => span.parentSpanId === server.spanId);
    expect(statement).toMatchObject({ traceId, attributes: { 'db.query.text': 'select $1::text as name' } });
  });

  it('marks a failed request and its failed statement with the error type, never the message', async () => {
    expect((await fetch(`${base}/broken`)).status).toBe(500);
    await telemetry.flush();
    const server = await collector.waitForSpan((span) => span.name === 'GET /broken');
    expect(server).toMatchObject({ statusCode: 2, attributes: { 'http.response.status_code': 500 } });
    const statement = await collector.waitForSpan((span) => span.parentSpanId === server.spanId);
    expect(statement).toMatchObject({
      statusCode: 2,
      attributes: { 'error.type': '42P01', 'db.response.status_code': '42P01' },
    });
    expect(JSON.stringify([server, statement])).not.toContain('does not exist');
  });

  it('hands the trace on to called services in traceparent, and never a caller’s baggage', async () => {
    const response = await fetch(`${base}/outgoing-headers`, {
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01`, baggage: 'user.email=ann%40example.com' },
    });
    const headers = (await response.json()) as Record<string, string>;
    await telemetry.flush();
    const server = await collector.waitForSpan((span) => span.name === 'GET /outgoing-headers');
    expect(headers).toEqual({ accept: 'application/json', traceparent: `00-${traceId}-${server.spanId}-01` });
  });

  it('gives work a request left running a trace of its own once the request has answered', async () => {
    const done = new Promise<void>((resolve) => {
      workDone = resolve;
    });
    expect((await fetch(`${base}/start-work`)).status).toBe(200);
    await telemetry.flush();
    const server = await collector.waitForSpan((span) => span.name === 'GET /start-work');
    answered();
    await done;
    await telemetry.flush();
    const call = await collector.waitForSpan((span) => span.name === 'call after the answer');
    expect(call.parentSpanId).toBeUndefined();
    expect(call.traceId).not.toBe(server.traceId);
    expect(
      collector.spans.filter((span) => span.traceId === server.traceId).map((span) => span.name),
    ).toEqual(['GET /start-work']);
    // Its own statement still nests under it.
    expect(collector.spans.some((span) => span.parentSpanId === call.spanId)).toBe(true);
    finished = new Promise<void>((resolve) => {
      answered = resolve;
    });
  });

  it('records nothing for a request whose caller did not sample its trace', async () => {
    const unsampled = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const response = await fetch(`${base}/things/7`, {
      headers: { traceparent: `00-${unsampled}-${callerSpanId}-00` },
    });
    expect(response.status).toBe(200);
    await fetch(`${base}/no/such/route/either`);
    await telemetry.flush();
    await collector.waitForSpan((span) => span.attributes['url.path'] === '/no/such/route/either');
    expect(collector.spans.filter((span) => span.traceId === unsampled)).toEqual([]);
  });

  it('names an unmatched request by its method only', async () => {
    expect((await fetch(`${base}/no/such/route`)).status).toBe(404);
    await telemetry.flush();
    const server = await collector.waitForSpan(
      (span) => span.kind === 2 && span.attributes['url.path'] === '/no/such/route',
    );
    expect(server.name).toBe('GET');
    expect(server.attributes['http.route']).toBeUndefined();
    expect(server.statusCode).toBe(0);
  });

  it('records a job run as a trace of its own with its statements and outcome', async () => {
    await traceJobRun('nightly-report', { id: 'job-1', retryCount: 1, createdOn: new Date() }, async () =>
      sql`select ${secret}::text`.execute(db.kysely),
    );
    await expect(
      traceJobRun('nightly-report', { id: 'job-2' }, async () => {
        throw new TypeError(`no such user ${secret}`);
      }),
    ).rejects.toThrow(TypeError);
    await telemetry.flush();
    const run = await collector.waitForSpan((span) => span.attributes['job.id'] === 'job-1');
    expect(run).toMatchObject({
      name: 'job nightly-report',
      kind: 5,
      parentSpanId: undefined,
      attributes: { 'job.name': 'nightly-report', 'job.attempt': 2, 'job.outcome': 'completed' },
    });
    expect(collector.spans.some((span) => span.parentSpanId === run.spanId && span.name === 'SELECT')).toBe(
      true,
    );
    const failed = await collector.waitForSpan((span) => span.attributes['job.id'] === 'job-2');
    expect(failed).toMatchObject({
      statusCode: 2,
      attributes: { 'job.outcome': 'failed', 'error.type': 'TypeError' },
    });
    expect(JSON.stringify(collector.spans)).not.toContain(secret.split('@')[0]);
  });

  it('records no database span outside a request or job (background polling adds no traces)', async () => {
    collector.reset();
    await sql`select 'background'`.execute(db.kysely);
    await telemetry.flush();
    await sleep(100);
    expect(collector.spans).toEqual([]);
  });
});

describe('a collector that is down', () => {
  it('fails no request, says so in a warning, and holds up no shutdown for long', async () => {
    const gone = await startFakeOtlpCollector();
    const url = `${gone.endpoint}/v1/traces`;
    await gone.close();
    const limits = { exportTimeoutMs: 300, shutdownMs: 500 };
    const telemetry = await startTelemetry(config(url), { version: '0.0.0' }, limits);
    const warnings: Record<string, unknown>[] = [];
    telemetry.logTo({ warn: (detail) => warnings.push(detail) });
    const app = await buildApp();
    try {
      for (let i = 0; i < 3; i += 1) expect((await fetch(`${baseOf(app)}/things/${i}`)).status).toBe(200);
      await telemetry.flush();
      // Spans still waiting when the service stops: the final flush gives up after `shutdownMs`.
      expect((await fetch(`${baseOf(app)}/things/last`)).status).toBe(200);
    } finally {
      await app.close();
    }
    const started = Date.now();
    await telemetry.shutdown();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(warnings.length).toBeGreaterThan(0);
    // The SDK's complaint, never the export request itself (whose headers hold the credentials).
    expect(JSON.stringify(warnings)).not.toContain('collector-token');
  });
});
