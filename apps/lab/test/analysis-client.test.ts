import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalysisClient } from '../src/modules/runs/analysis-client.ts';

/** A fake analysis service on 127.0.0.1: each request takes the next behaviour from `script`. */
type Behaviour = 'ok' | 'garbage' | 'array' | 'error' | 'slow';
const script: Behaviour[] = [];
const received: unknown[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push(JSON.parse(body));
      const behaviour = script.shift() ?? 'ok';
      if (behaviour === 'slow') {
        setTimeout(() => response.end('{"late": true}'), 500);
        return;
      }
      if (behaviour === 'error') {
        response.statusCode = 503;
        response.end('busy');
        return;
      }
      response.setHeader('content-type', 'application/json');
      response.end(
        behaviour === 'garbage'
          ? 'not json {'
          : behaviour === 'array'
            ? '[1, 2]'
            : '{"form": "II", "confidence": 0.93}',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const spectrum = { kind: 'spectrum' as const, start_nm: 400, step_nm: 1, intensities: [1, 2, 3] };
const never = new AbortController().signal;

describe('the analysis service client', () => {
  it('posts the spectrum to /infer and answers the JSON object', async () => {
    const client = createAnalysisClient({ url, deadlineMs: 200 });
    expect(await client.analyze(spectrum, never)).toEqual({
      ok: true,
      result: { form: 'II', confidence: 0.93 },
    });
    expect(received.at(-1)).toEqual({ spectrum: [1, 2, 3] });
  });

  it('counts down, slow and garbage answers as failures, opens after three, half-opens after the wait', async () => {
    let clock = 0;
    const client = createAnalysisClient({ url, deadlineMs: 100, openMs: 60_000, now: () => clock });
    script.push('garbage', 'slow', 'error');
    expect(await client.analyze(spectrum, never)).toEqual({
      ok: false,
      reason: 'the analysis service answered something that is not JSON',
    });
    expect(await client.analyze(spectrum, never)).toEqual({
      ok: false,
      reason: 'the analysis service did not answer within 100 ms',
    });
    expect(await client.analyze(spectrum, never)).toEqual({
      ok: false,
      reason: 'the analysis service answered 503',
    });
    expect(client.state).toBe('open');
    const calls = received.length;
    expect(await client.analyze(spectrum, never)).toEqual({
      ok: false,
      reason: 'the analysis service is failing (circuit open)',
    });
    expect(received.length).toBe(calls); // open: no call made
    clock += 60_000;
    expect(client.state).toBe('half-open');
    script.push('array');
    expect(await client.analyze(spectrum, never)).toMatchObject({ ok: false });
    expect(client.state).toBe('open');
    clock += 60_000;
    expect(await client.analyze(spectrum, never)).toMatchObject({ ok: true });
    expect(client.state).toBe('closed');
  });

  it('says why when nothing is configured, or the service is unreachable', async () => {
    expect(await createAnalysisClient({ url: undefined, deadlineMs: 100 }).analyze(spectrum, never)).toEqual({
      ok: false,
      reason: 'no analysis service is configured (LAB_ANALYSIS_URL)',
    });
    const closed = createAnalysisClient({ url: 'http://127.0.0.1:9', deadlineMs: 500 });
    expect(await closed.analyze(spectrum, never)).toEqual({
      ok: false,
      reason: 'the analysis service is unreachable',
    });
  });
});
