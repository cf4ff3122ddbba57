import type { FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { Type } from 'typebox';
import { errorResponses } from './error-responses.ts';
import type { RouteScope } from './route-scope.ts';

/** A per-app Prometheus registry, so two apps (or tests) in one process never share counters. */
export function createMetricsRegistry(prefix: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: `${prefix}_` });
  return registry;
}

/** Times every request by route pattern (never the raw URL, which would explode cardinality). */
export function instrumentRequests(
  app: RouteScope,
  registry: Registry,
  prefix: string,
  onRequest: (request: FastifyRequest) => Promise<void>,
): void {
  const duration = new Histogram({
    name: `${prefix}_http_request_duration_seconds`,
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format)',
        operationId: 'getMetrics',
        security: [],
        response: {
          200: { description: 'The metrics', content: { 'text/plain': { schema: Type.String() } } },
          ...errorResponses(429),
        },
      },
      onRequest,
    },
    async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
}
