import { signServiceToken } from '@ours/platform/auth';
import { startTelemetry, type Telemetry } from '@ours/platform/telemetry';
import { type CollectedSpan, type FakeOtlpCollector, startFakeOtlpCollector } from '@ours/platform/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envToConfig } from '../src/config.ts';
import { type JobEngine, startJobEngine } from '../src/modules/jobs/job-engine.ts';
import { serviceTokenIssuer } from '../src/modules/shared/service-role.ts';
import { bearer, createUser, testJwtSecret, useTestApp } from './support/test-app.ts';

const traceId = '0af7651916cd43dd8448eb211c80319c';
const callerSpanId = 'b7ad6b7169203331';
// Words that appear only in the prompt and the reply: no span may carry them.
const question = 'Is my knee-ache-zebracorn serious?';
const answer = 'Rest it for a few days, quokkamantle.';

let collector: FakeOtlpCollector;
let telemetry: Telemetry;

// Before the app is built (useTestApp's own beforeAll, registered next): as the server starts it.
beforeAll(async () => {
  collector = await startFakeOtlpCollector();
  const config = envToConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint });
  expect(config.telemetry).toMatchObject({
    serviceName: 'coach',
    tracesUrl: `${collector.endpoint}/v1/traces`,
  });
  telemetry = await startTelemetry(config.telemetry, config.service);
});
afterAll(async () => {
  await telemetry?.shutdown();
  await collector?.close();
});

const t = useTestApp({ OPENAI_MODEL: 'primary-model', OPENAI_FALLBACK_MODEL: 'fallback-model' });
beforeEach(() => {
  t.fake.reset();
  collector.reset();
});

/** The spans of one trace below `parent`, after sending what is pending. */
async function childrenOf(parent: CollectedSpan): Promise<CollectedSpan[]> {
  await telemetry.flush();
  return collector.spans.filter((span) => span.parentSpanId === parent.spanId);
}

describe('traces of the coach', () => {
  it('traces /ask: the caller’s trace continued, its statements and the model call, no prompt or reply text', async () => {
    const user = await createUser();
    t.fake.setDefault({ kind: 'reply', text: answer, usage: { prompt_tokens: 120, completion_tokens: 8 } });
    const response = await t.app.inject({
      method: 'POST',
      url: '/ask',
      headers: { ...bearer(user), traceparent: `00-${traceId}-${callerSpanId}-01` },
      payload: { messages: [{ role: 'user', content: question }] },
    });
    expect(response.statusCode).toBe(200);
    await telemetry.flush();
    const server = await collector.waitForSpan((span) => span.name === 'POST /ask');
    expect(server).toMatchObject({
      traceId,
      parentSpanId: callerSpanId,
      kind: 2,
      attributes: { 'http.route': '/ask', 'http.response.status_code': 200 },
      resource: { 'service.name': 'coach' },
    });
    const children = await childrenOf(server);
    expect(children.some((span) => span.attributes['db.system.name'] === 'postgresql')).toBe(true);
    const model = children.find((span) => span.name === 'chat primary-model');
    expect(model).toMatchObject({
      traceId,
      kind: 3,
      statusCode: 0,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'primary-model',
        'gen_ai.response.model': 'primary-model',
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 8,
        'coach.llm.fallback': false,
        'server.address': '127.0.0.1',
      },
    });
    const everything = JSON.stringify(collector.spans);
    expect(everything).not.toContain('zebracorn');
    expect(everything).not.toContain('quokkamantle');
  });

  it('shows a fallback as a failed attempt on the primary model and a second one on the fallback', async () => {
    const user = await createUser();
    t.fake.forModel('primary-model', { kind: 'fail', status: 503 });
    t.fake.forModel('fallback-model', { kind: 'reply', text: answer });
    const response = await t.app.inject({
      method: 'POST',
      url: '/ask',
      headers: bearer(user),
      payload: { messages: [{ role: 'user', content: question }] },
    });
    expect(response.statusCode).toBe(200);
    await telemetry.flush();
    const server = await collector.waitForSpan((span) => span.name === 'POST /ask');
    const attempts = (await childrenOf(server)).filter((span) => span.name.startsWith('chat '));
    expect(
      attempts.map((span) => [span.name, span.statusCode, span.attributes['coach.llm.fallback']]),
    ).toEqual([
      ['chat primary-model', 2, false],
      ['chat fallback-model', 0, true],
    ]);
    expect(attempts[0]?.attributes['error.type']).toEqual(expect.any(String));
  });

  describe('job runs', () => {
    let engine: JobEngine;
    beforeAll(async () => {
      engine = await startJobEngine(t.ctx, pino({ level: 'silent' }), { workers: true });
      t.ctx.jobs = engine;
    });
    afterAll(async () => {
      t.ctx.jobs = undefined;
      await engine?.stop();
    });

    it('traces a queued run of a job, with its statements and outcome', async () => {
      const service = {
        authorization: `Bearer ${await signServiceToken(testJwtSecret, { issuer: serviceTokenIssuer })}`,
      };
      const response = await t.app.inject({
        method: 'POST',
        url: '/admin/jobs/check-user-status/run',
        headers: service,
        payload: { date: '2026-11-24' },
      });
      expect(response.statusCode).toBe(202);
      const run = await waitForFlushed((span) => span.name === 'job check-user-status');
      expect(run).toMatchObject({
        kind: 5,
        parentSpanId: undefined,
        attributes: { 'job.name': 'check-user-status', 'job.outcome': 'completed', 'job.attempt': 1 },
      });
      expect((await childrenOf(run)).some((span) => span.attributes['db.system.name'] === 'postgresql')).toBe(
        true,
      );
    });
  });
});

/** Waits for a span that is ended in the background (a job run), flushing while it waits. */
async function waitForFlushed(predicate: (span: CollectedSpan) => boolean): Promise<CollectedSpan> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    await telemetry.flush();
    const found = collector.spans.find(predicate);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no such span; received: ${collector.spans.map((span) => span.name).join(', ')}`);
}
