import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyBaseLogger, type FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { type DestinationStream, pino } from 'pino';
import type { Registry } from 'prom-client';
import { NotFoundError } from '../errors.ts';
import { LogDestination, loggerOptions } from '../logger.ts';
import { traceRequests } from '../telemetry/http-tracing.ts';
import { AccessLogController } from './access-log.ts';
import { clientErrorHandler } from './client-errors.ts';
import { compileOriginMatcher } from './cors-origins.ts';
import { inputErrorStatuses, requireDeclaredErrors } from './declared-errors.ts';
import { handleError } from './error-handler.ts';
import { type HealthCheck, registerHealth } from './health.ts';
import { invalidCharacters, refuseInvalidUrlText, urlTextProblem } from './invalid-characters.ts';
import { registerJsonBodyParser } from './json-body.ts';
import { createMetricsRegistry, instrumentRequests } from './metrics.ts';
import { registerOpenApi } from './openapi.ts';
import { createLimiter, type Limiter } from './rate-limiter.ts';
import { refuseUnframedRequests } from './request-framing.ts';
import type { RouteScope } from './route-scope.ts';
import { retryAfterSeconds } from './unavailable.ts';
import { createValidatorCompiler } from './validation.ts';
import { registerWebUi, type WebUiOptions, webUiContentSecurityPolicy } from './web-ui.ts';

/** A built service: the root route scope, which `server.ts` listens with and tests inject into. */
export type HttpApp = RouteScope;

export interface HttpAppOptions {
  service: { name: string; version: string; description: string };
  logLevel: string;
  allowedOrigins: string[];
  /** Forwarded-for handling: false, true, or a comma list of trusted proxy addresses. */
  trustProxy: boolean | string;
  /** Shared rate-limit store (its health is checked, its errors logged); in memory when absent. */
  redis?: Redis | undefined;
  bodyLimitBytes?: number;
  /** Limit for requests no verified user can be blamed for (bad tokens, unknown routes), per IP. */
  anonymousPerMinute: number;
  health: Record<string, HealthCheck>;
  /**
   * Shed load (503 `server_busy`) once the event loop lags this long; 0 turns it off. Default 2000.
   */
  maxEventLoopDelayMs?: number | undefined;
  /** Where log lines go; buffered standard output when absent (tests capture them here). */
  logStream?: DestinationStream | undefined;
  /** A built single-page UI to serve on the same origin (and the strict CSP that goes with it). */
  webUi?: WebUiOptions | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry;
    /** Counts a request against the per-IP budget for unauthenticated traffic. */
    limitAnonymous: Limiter;
    /** Every route registered so far (HEAD twins left out), for route-table tests and audits. */
    registeredRoutes: RegisteredRoute[];
  }
}

/** A registered route as access-control tests enumerate it. */
export interface RegisteredRoute {
  method: string;
  url: string;
  config: Record<string, unknown>;
}

const requestIdPattern = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The HTTP server with the house defaults: explicit timeouts and body limit, request ids, helmet,
 * CORS, rate-limit store, load shedding, strict validation, one error shape, `/health`,
 * `/metrics` and OpenAPI at `/docs`. Routes are added by the caller; it never listens.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  // @NOTE batched, non-blocking log writes: a synchronous write per line cost ~15% of a request's
  // CPU, and pino's own destination blocked shutdown for good when nobody read standard output.
  const stdout = options.logStream ? undefined : new LogDestination();
  // pino's Logger is Fastify's logger with a narrower level type; Fastify takes it as its base logger.
  const logger = pino(
    loggerOptions(options.logLevel, options.service.name),
    options.logStream ?? stdout,
  ) as FastifyBaseLogger;
  const app = Fastify({
    loggerInstance: logger,
    trustProxy: options.trustProxy,
    bodyLimit: options.bodyLimitBytes ?? 1_048_576,
    connectionTimeout: 60_000,
    // On close, drop idle keep-alive connections at once instead of waiting out keepAliveTimeout.
    forceCloseConnections: 'idle',
    keepAliveTimeout: 72_000,
    requestTimeout: 120_000,
    return503OnClosing: true,
    // Path params longer than this never reach a route (414); shorter ones meet the route's schema.
    routerOptions: { maxParamLength: 500 },
    // Errors the router raises before any route runs (a bad %-escape, an over-long param) get the
    // house error shape too; escapes spelling no UTF-8 text (a lone surrogate) break the one
    // request-text rule, and say so with its code.
    frameworkErrors: (error, request, reply) => {
      // No onRequest hook has run for these, so the request id header is set here.
      reply.header('x-request-id', request.id);
      const problem = error.code === 'FST_ERR_BAD_URL' ? urlTextProblem(request.url) : undefined;
      handleError(problem ? invalidCharacters(problem) : error, request, reply);
    },
    // Requests Node's HTTP parser refuses never reach Fastify: answered in the house shape too.
    clientErrorHandler: clientErrorHandler(logger),
    // Node's own Host check answers a bare 400; `refuseUnframedRequests` answers in the house shape.
    http: { requireHostHeader: false },
    logController: new AccessLogController(),
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // A route that reads input declares the refusals answered for it here, or the app does not start.
  requireDeclaredErrors(app, inputErrorStatuses);
  const registeredRoutes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', registeredRoutes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      registeredRoutes.push({
        method,
        url: route.url,
        // Route config is an interface Fastify leaves open for apps to extend; read it as plain fields.
        config: (route.config ?? {}) as Record<string, unknown>,
      });
    }
  });

  // First hook of all when tracing is on (see startTelemetry), so every refusal below is traced too.
  traceRequests(app);
  app.addHook('onClose', async () => stdout?.flush());
  app.setValidatorCompiler(createValidatorCompiler());
  app.setErrorHandler(handleError);
  // First, so every refusal below carries the request id too.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  refuseUnframedRequests(app);
  refuseInvalidUrlText(app);
  registerJsonBodyParser(app);

  await app.register(helmet, {
    contentSecurityPolicy: options.webUi
      ? webUiContentSecurityPolicy
      : { directives: { 'img-src': ["'self'", 'data:'] } },
  });
  const isAllowedOrigin = compileOriginMatcher(options.allowedOrigins);
  await app.register(cors, {
    // @NOTE a refused origin simply gets no CORS headers (the browser blocks it); never an error.
    origin: (origin, callback) => callback(null, origin === undefined || isAllowedOrigin(origin)),
    credentials: true,
    methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
  });
  await app.register(rateLimit, {
    global: false,
    skipOnError: true,
    ...(options.redis ? { redis: options.redis, nameSpace: `${options.service.name}-rl:` } : {}),
  });
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs ?? 2_000,
    retryAfter: retryAfterSeconds,
    exposeStatusRoute: false,
  });
  await registerOpenApi(app, options.service);

  app.decorate(
    'limitAnonymous',
    createLimiter(app, 'anon', { max: options.anonymousPerMinute, windowMs: 60_000 }),
  );
  const webUiPage = options.webUi ? await registerWebUi(app, options.webUi) : undefined;
  app.setNotFoundHandler(async (request, reply) => {
    const page = webUiPage?.(request, reply);
    if (page) return page;
    await app.limitAnonymous(request, request.ip);
    throw new NotFoundError('route_not_found', `No route for ${request.method} ${request.url.split('?')[0]}`);
  });

  const prefix = options.service.name.replace(/[^a-z0-9_]/gi, '_');
  const registry = createMetricsRegistry(prefix);
  app.decorate('metricsRegistry', registry);
  // Public operations routes get their own, generous per-IP budget (probes and scrapers are frequent).
  const opsLimiter = createLimiter(app, 'ops', { max: 600, windowMs: 60_000 });
  const limitOps = async (request: FastifyRequest) => opsLimiter(request, request.ip);
  instrumentRequests(app, registry, prefix, limitOps);
  const { redis } = options;
  const health = redis
    ? { ...options.health, redis: async () => ({ reply: await redis.ping() }) }
    : options.health;
  redis?.on('error', (error: Error) => {
    app.log.warn({ err: error }, 'redis unavailable: rate limits are not applied until it returns');
  });
  registerHealth(app, options.service, health, limitOps, new Set(['redis']));
  return app;
}
