import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { RouteScope } from './route-scope.ts';

/** Counts one request against `key`; throws a 429 `rate_limited` with Retry-After when over. */
export type Limiter = (request: FastifyRequest, key: string) => Promise<void>;

/**
 * A named fixed-window limiter on the app's rate-limit store (in memory, or Redis when configured,
 * so every instance shares the count). Every call counts, whatever the request's outcome.
 */
export function createLimiter(
  app: RouteScope,
  name: string,
  options: { max: number; windowMs: number },
): Limiter {
  const keys = new WeakMap<FastifyRequest, string>();
  const check = app.createRateLimit({
    max: options.max,
    timeWindow: options.windowMs,
    keyGenerator: (request) => keys.get(request) ?? `${name}:unknown`,
  });
  return async (request, key) => {
    keys.set(request, `${name}:${key}`);
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return;
    const retryAfter = String(Math.max(1, result.ttlInSeconds));
    throw new AppError(
      429,
      'rate_limited',
      `Too many requests: at most ${result.max} per ${Math.round(result.timeWindow / 1000)} seconds`,
      {
        headers: { 'retry-after': retryAfter },
        details: { retry_after_seconds: Number(retryAfter), limit: result.max },
      },
    );
  };
}
