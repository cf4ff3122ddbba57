import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inSpan, startTelemetry, type Telemetry } from '@ours/platform/telemetry';
import { type CollectedSpan, type FakeOtlpCollector, startFakeOtlpCollector } from '@ours/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envToConfig } from '../src/config.ts';
import { type LabJobs, startLabJobs } from '../src/modules/jobs/lab-jobs.ts';
import { createAnalysisClient } from '../src/modules/runs/analysis-client.ts';
import { bearer, type TestAccount, testSecrets, useLabApp } from './support/lab-app.ts';

const traceId = '5b8aa5a2d2c872e8321cf37308d69df2';
const callerSpanId = '051581bf3cb55c13';

let collector: FakeOtlpCollector;
let telemetry: Telemetry;

// Before the app is built (useLabApp's own beforeAll, registered next), as the server starts it.
beforeAll(async () => {
  collector = await startFakeOtlpCollector();
  const config = envToConfig({
    ...testSecrets,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.endpoint}/v1/traces`,
    OTEL_SERVICE_NAME: 'lab-test',
  });
  telemetry = await startTelemetry(config.telemetry, config.service);
});
afterAll(async () => {
  await telemetry?.shutdown();
  await collector?.close();
});

const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
let scientist: TestAccount;
beforeAll(async () => {
  scientist = await lab.user(['scientist']);
});

/** Waits for a span (some end in the background), flushing while it waits. */
async function spanWhere(predicate: (span: CollectedSpan) => boolean): Promise<CollectedSpan> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    await telemetry.flush();
    const found = collector.spans.find(predicate);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no such span; received: ${collector.spans.map((span) => span.name).join(', ')}`);
}

describe('traces of the lab', () => {
  it('traces a request by route pattern, continuing the caller’s trace, with its statements and no values', async () => {
    const sampleId = `TRACE-${Date.now().toString(36)}`;
    const created = await lab.app.inject({
      method: 'POST',
      url: '/api/samples',
      headers: bearer(scientist.token),
      payload: {
        sample_id: sampleId,
        sample_type: 'plasma',
        quantity: 10,
        unit: 'mL',
        metadata: { donor: 'okapi-wren' },
      },
    });
    expect(created.statusCode).toBe(201);
    const read = await lab.app.inject({
      method: 'GET',
      url: `/api/samples/${sampleId}`,
      headers: { ...bearer(scientist.token), traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    expect(read.statusCode).toBe(200);
    const server = await spanWhere((span) => span.name === 'GET /api/samples/:id');
    expect(server).toMatchObject({
      traceId,
      parentSpanId: callerSpanId,
      kind: 2,
      attributes: { 'http.route': '/api/samples/:id', 'http.response.status_code': 200 },
      resource: { 'service.name': 'lab-test' },
    });
    const statements = collector.spans.filter((span) => span.parentSpanId === server.spanId);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect(statement.attributes['db.system.name']).toBe('postgresql');
    const write = await spanWhere((span) => span.name === 'POST /api/samples');
    expect(
      collector.spans.some((span) => span.parentSpanId === write.spanId && span.name === 'WITH samples'),
    ).toBe(true);
    // Not the metadata, the password (the login above) or the token.
    const everything = JSON.stringify(collector.spans);
    for (const secret of ['okapi-wren', scientist.password, scientist.token])
      expect(everything).not.toContain(secret);
  });

  describe('calls to the analysis service', () => {
    let analysis: Server;
    let analysisUrl: string;
    const received: IncomingHttpHeaders[] = [];
    beforeAll(async () => {
      let calls = 0;
      analysis = createServer((request, response) => {
        received.push(request.headers);
        request.resume();
        request.on('end', () => {
          calls += 1;
          if (calls === 2) response.writeHead(503).end('busy');
          else response.writeHead(200, { 'content-type': 'application/json' }).end('{"form":"II"}');
        });
      });
      await new Promise<void>((resolve) => analysis.listen(0, '127.0.0.1', resolve));
      analysisUrl = `http://127.0.0.1:${(analysis.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => analysis.close(resolve)));

    it('records a client span per call and hands the trace on in traceparent; a failure is marked', async () => {
      const client = createAnalysisClient({ url: analysisUrl, deadlineMs: 2_000 });
      const spectrum = { kind: 'spectrum' as const, start_nm: 400, step_nm: 1, intensities: [1, 2, 3] };
      const never = new AbortController().signal;
      // As a run step calls it: inside the run's span.
      await inSpan('run step', {}, async () => {
        expect(await client.analyze(spectrum, never)).toEqual({ ok: true, result: { form: 'II' } });
        expect(await client.analyze(spectrum, never)).toMatchObject({ ok: false });
      });
      const step = await spanWhere((span) => span.name === 'run step');
      await spanWhere((span) => span.name === 'POST /infer' && span.statusCode === 2);
      const calls = collector.spans.filter((span) => span.name === 'POST /infer');
      expect(
        calls.map((span) => [span.parentSpanId, span.kind, span.attributes['http.response.status_code']]),
      ).toEqual([
        [step.spanId, 3, 200],
        [step.spanId, 3, 503],
      ]);
      expect(calls[1]).toMatchObject({
        statusCode: 2,
        attributes: { 'error.type': '503', 'url.full': `${analysisUrl}/infer` },
      });
      // The service continues the trace: each request carried its own call span as the parent.
      expect(received.map((headers) => headers.traceparent)).toEqual(
        calls.map((span) => `00-${step.traceId}-${span.spanId}-01`),
      );
    });
  });

  describe('job runs', () => {
    let jobs: LabJobs;
    beforeAll(async () => {
      jobs = await startLabJobs(lab.ctx, lab.app.log, { workers: true });
      lab.ctx.jobs = jobs;
    });
    afterAll(async () => {
      lab.ctx.jobs = undefined;
      await jobs?.stop();
    });

    it('records each run with its statements and outcome (the start-up runs here)', async () => {
      const run = await spanWhere((span) => span.name === 'job inventory-alerts');
      expect(run).toMatchObject({
        kind: 5,
        parentSpanId: undefined,
        statusCode: 0,
        attributes: { 'job.name': 'inventory-alerts', 'job.outcome': 'completed' },
      });
      expect(
        collector.spans.some((span) => span.parentSpanId === run.spanId && span.attributes['db.system.name']),
      ).toBe(true);
    });
  });
});
