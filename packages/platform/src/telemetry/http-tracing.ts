import { type Context, context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import type { RouteScope } from '../http/route-scope.ts';
import { errorType, markFailed } from './spans.ts';
import { activeTracer } from './tracer-state.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's trace context (its server span active) while tracing is on; else null. */
    traceContext: Context | null;
  }
}

const headerGetter = {
  keys: (carrier: FastifyRequest['headers']) => Object.keys(carrier),
  get: (carrier: FastifyRequest['headers'], key: string) => carrier[key],
};

/**
 * One server span per request, named by method and route pattern (`GET /api/samples/:id`),
 * continuing the caller's trace when it sends a W3C `traceparent`. The span is the active context
 * for the request's hooks and handler, so database and outgoing spans nest under it. Records
 * method, route, path (never the query string), status and, for a 5xx, the error's type (never its
 * message). Added only when tracing is on: off, requests pay nothing.
 */
export function traceRequests(app: RouteScope): void {
  const tracer = activeTracer();
  if (!tracer) return;
  app.decorateRequest('traceContext', null);
  const failures = new WeakMap<FastifyRequest, string>();

  // Callback-style hooks: `context.with` around `done` runs the rest of the chain in the span.
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers, headerGetter);
    const route = request.routeOptions.url;
    const queryAt = request.url.indexOf('?');
    const span = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': queryAt === -1 ? request.url : request.url.slice(0, queryAt),
          'url.scheme': request.protocol,
          'network.protocol.version': request.raw.httpVersion,
          'request.id': request.id,
          ...(route ? { 'http.route': route } : {}),
        },
      },
      parent,
    );
    const traced = trace.setSpan(parent, span);
    request.traceContext = traced;
    context.with(traced, done);
  });
  // A body arrives through stream events, outside the chain above: the span is made active again
  // for validation, the handler and what they start.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.traceContext) context.with(request.traceContext, done);
    else done();
  });
  app.addHook('onError', (request, _reply, error, done) => {
    failures.set(request, errorType(error));
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = request.traceContext && trace.getSpan(request.traceContext);
    if (span?.isRecording()) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      // Per the conventions a server span fails on a 5xx only; a 4xx is the client's doing.
      if (reply.statusCode >= 500) markFailed(span, failures.get(request) ?? String(reply.statusCode));
      span.end();
    }
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    const span = request.traceContext && trace.getSpan(request.traceContext);
    if (span?.isRecording()) {
      span.setAttribute('error.type', 'aborted');
      span.end();
    }
    done();
  });
}
