import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { activeTracer } from './tracer-state.ts';

export type { Attributes, Span };
export { SpanKind };

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Start a new trace instead of joining the active one (a job run, whoever queued it). */
  root?: boolean;
}

/**
 * A short, stable name for what went wrong, fit for `error.type`: a PostgreSQL SQLSTATE or a
 * Node/driver error code when there is one, else the error's class. Never its message, which can
 * quote values (a unique violation names the duplicate key).
 */
export function errorType(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) return code;
    return error.name || '_OTHER';
  }
  return '_OTHER';
}

/** Marks a span failed with `error.type` (and no message; see `errorType`). */
export function markFailed(span: Span, type: string): void {
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * The active context, unless its span is one of ours that has ended: work a request started and
 * left running (a workflow run goes on for minutes after its POST answered) then starts a trace of
 * its own instead of hanging ever more spans off a finished request. A remote parent (an incoming
 * `traceparent`) and an unsampled one are kept: their spans never record, but they still decide.
 */
export function liveContext(): Context {
  const active = context.active();
  const span = trace.getSpan(active);
  if (!span || span.isRecording()) return active;
  const { isRemote, traceFlags } = span.spanContext();
  return !isRemote && traceFlags & TraceFlags.SAMPLED ? ROOT_CONTEXT : active;
}

/**
 * Runs `fn` inside a span (ended when it settles, marked failed when it throws) that is the
 * active span for everything `fn` starts, so database spans nest under it. With tracing off it
 * runs `fn` with no span at all.
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  const tracer = activeTracer();
  if (!tracer) return fn(undefined);
  const parent = options.root ? ROOT_CONTEXT : liveContext();
  const span = tracer.startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      attributes: options.attributes ?? {},
      root: options.root ?? false,
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    if (span.isRecording()) markFailed(span, errorType(error));
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Adds the W3C `traceparent` (and `tracestate`) of the active span to outgoing request headers,
 * so the called service continues the trace; with tracing off, the headers as they were.
 */
export function withTraceHeaders(headers: Record<string, string>): Record<string, string> {
  if (!activeTracer()) return headers;
  const carrier = { ...headers };
  propagation.inject(context.active(), carrier);
  return carrier;
}
