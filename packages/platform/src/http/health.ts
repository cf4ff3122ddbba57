import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { errorResponses } from './error-responses.ts';
import type { RouteScope } from './route-scope.ts';

/** A named readiness probe; it throws when its dependency is unavailable. */
export type HealthCheck = () => Promise<Record<string, unknown> | undefined>;

const HealthReply = Type.Object(
  {
    status: Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy')]),
    service: Type.String(),
    version: Type.String(),
    uptime_seconds: Type.Number(),
    checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean() }, { additionalProperties: true })),
  },
  { additionalProperties: false },
);

/**
 * `/health`: liveness plus each dependency's check; 503 when a required one fails. An `advisory`
 * check is reported but never fails the probe: a load balancer that took every instance out because
 * of a dependency the service can run without (Redis, whose rate limits fail open) would turn a
 * degraded service into a dead one.
 */
export function registerHealth(
  app: RouteScope,
  service: { name: string; version: string },
  checks: Record<string, HealthCheck>,
  onRequest: (request: FastifyRequest) => Promise<void>,
  advisory: ReadonlySet<string> = new Set(),
): void {
  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness and each dependency check (503 when any fails)',
        operationId: 'getHealth',
        security: [],
        response: {
          200: HealthReply,
          // A failed dependency, or load shedding (`server_busy`) before the probe even ran.
          503: Type.Union([HealthReply, errorResponses(503)[503]]),
          ...errorResponses(429),
        },
      },
      onRequest,
    },
    async (_request, reply) => {
      const results: Record<string, { ok: boolean; [key: string]: unknown }> = {};
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            results[name] = { ok: true, ...((await check()) ?? {}) };
          } catch {
            results[name] = { ok: false };
          }
        }),
      );
      const healthy = Object.entries(results).every(([name, result]) => result.ok || advisory.has(name));
      reply.code(healthy ? 200 : 503);
      return {
        status: healthy ? 'healthy' : 'unhealthy',
        service: service.name,
        version: service.version,
        uptime_seconds: Math.round(process.uptime()),
        checks: results,
      } as const;
    },
  );
}
