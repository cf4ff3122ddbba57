import { inSpan, markFailed, type Span, SpanKind, withTraceHeaders } from '@ours/platform/telemetry';
import type { ActionData } from '../instruments/index.ts';

type Json = Record<string, unknown>;

export interface AnalysisClientOptions {
  /** The analysis service (`LAB_ANALYSIS_URL`); none configured: every analysis is unavailable. */
  url: string | undefined;
  /** How long an answer may take (`LAB_ANALYSIS_TIMEOUT_MS`, 2 s), unless the step says otherwise. */
  deadlineMs: number;
  /** Consecutive failures that open the circuit (3), and how long it stays open (60 s). */
  failuresToOpen?: number;
  openMs?: number;
  now?: () => number;
}

export type AnalysisAnswer = { ok: true; result: Json } | { ok: false; reason: string };

/**
 * The client of the spectral analysis service (the seed's BentoML-style contract: `POST /infer`
 * with `{ "spectrum": [...] }`, answering a JSON object). Down, slow (past the deadline) or garbage
 * all count as failures; after 3 in a row the circuit opens and calls fail at once for 60 s, then
 * one call is let through (half-open) and its outcome closes or re-opens it.
 */
export function createAnalysisClient(options: AnalysisClientOptions) {
  const failuresToOpen = options.failuresToOpen ?? 3;
  const openMs = options.openMs ?? 60_000;
  const now = options.now ?? Date.now;
  let failures = 0;
  let openedAt: number | null = null;

  const fail = (reason: string): AnalysisAnswer => {
    failures += 1;
    if (failures >= failuresToOpen) openedAt = now();
    return { ok: false, reason };
  };

  /** One request to the service, recorded on `span` (the trace continues there via traceparent). */
  async function call(
    url: URL,
    values: readonly number[],
    signal: AbortSignal,
    deadlineMs: number,
    span: Span | undefined,
  ): Promise<AnalysisAnswer> {
    const failed = (reason: string, type: string): AnalysisAnswer => {
      if (span) markFailed(span, type);
      return fail(reason);
    };
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: withTraceHeaders({ 'content-type': 'application/json' }),
        body: JSON.stringify({ spectrum: values }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(deadlineMs)]),
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      return timedOut
        ? failed(`the analysis service did not answer within ${deadlineMs} ms`, 'timeout')
        : failed('the analysis service is unreachable', 'unreachable');
    }
    span?.setAttribute('http.response.status_code', response.status);
    if (!response.ok)
      return failed(`the analysis service answered ${response.status}`, String(response.status));
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return failed('the analysis service answered something that is not JSON', 'invalid_json');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return failed('the analysis service answered JSON that is not an object', 'invalid_json');
    }
    failures = 0;
    openedAt = null;
    return { ok: true, result: Object.fromEntries(Object.entries(body)) };
  }

  return {
    get state(): 'closed' | 'open' | 'half-open' {
      if (openedAt === null) return 'closed';
      return now() - openedAt >= openMs ? 'half-open' : 'open';
    },

    async analyze(
      data: ActionData | undefined,
      signal: AbortSignal,
      deadlineMs = options.deadlineMs,
    ): Promise<AnalysisAnswer> {
      if (!options.url) return { ok: false, reason: 'no analysis service is configured (LAB_ANALYSIS_URL)' };
      if (!data) return { ok: false, reason: 'the source step produced no data to analyse' };
      if (openedAt !== null && now() - openedAt < openMs) {
        return { ok: false, reason: 'the analysis service is failing (circuit open)' };
      }
      const values = data.kind === 'spectrum' ? data.intensities : data.values;
      const url = new URL('/infer', options.url);
      return inSpan('POST /infer', analysisSpan(url), (span) => call(url, values, signal, deadlineMs, span));
    },
  };
}

export type AnalysisClient = ReturnType<typeof createAnalysisClient>;

/** The analysis call's client span, per the HTTP client conventions (no request body recorded). */
function analysisSpan(url: URL) {
  return {
    kind: SpanKind.CLIENT,
    attributes: {
      'http.request.method': 'POST',
      'url.full': `${url.origin}${url.pathname}`,
      'url.template': '/infer',
      'server.address': url.hostname,
      'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
      'lab.analysis': true,
    },
  };
}
