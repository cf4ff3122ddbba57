export { compileOriginMatcher, type OriginMatcher } from './cors-origins.ts';
export { createHttpApp, type HttpApp, type HttpAppOptions, type RegisteredRoute } from './create-http-app.ts';
export { type Cursor, decodeCursor, encodeCursor, PageQuery, pageOf, toPage } from './cursor.ts';
export { DayOrTimestamp, rangeBound } from './day-or-timestamp.ts';
export { handleError, toAppError } from './error-handler.ts';
export { onShutdownSignal } from './graceful-shutdown.ts';
export type { HealthCheck } from './health.ts';
export { createLimiter, type Limiter } from './rate-limiter.ts';
