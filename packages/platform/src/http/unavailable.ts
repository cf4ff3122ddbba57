import { AppError, fieldOf } from '../errors.ts';

/** How long a client is asked to wait when the service or its database is saturated. */
export const retryAfterSeconds = 5;

// SQLSTATEs that say the database cannot take the work now, not that the request is wrong: class 08
// (connection exceptions), class 53 (insufficient resources, e.g. 53300 too_many_connections) and
// 57P01-57P03 (shutting down, crashed, not accepting connections yet).
const unavailableState = /^(08[0-9A-Z]{3}|53[0-9A-Z]{3}|57P0[123])$/;

// What node-postgres throws when it never got a connection: the pool's wait for a free client ran
// out, or the connection attempt itself timed out or was cut. None of these carry a SQLSTATE.
const driverMessages = [
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
  'Connection terminated unexpectedly',
];
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

function databaseUnavailable(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = fieldOf(current, 'code');
    if (typeof code === 'string' && (unavailableState.test(code) || networkCodes.has(code))) return true;
    if (driverMessages.includes(current.message)) return true;
  }
  return false;
}

const retryAfter = { 'retry-after': String(retryAfterSeconds) };

/**
 * A 503 with a stable code for failures that are about capacity, not the request: the database
 * refused or could not give a connection (`database_unavailable`), or the server is shedding load
 * (`server_busy`, raised by @fastify/under-pressure as a 503 error). Anything else: undefined.
 */
export function unavailableError(error: unknown): AppError | undefined {
  if (databaseUnavailable(error)) {
    return new AppError(
      503,
      'database_unavailable',
      'The database is busy or unreachable; try again shortly',
      { cause: error, headers: retryAfter },
    );
  }
  if (fieldOf(error, 'statusCode') === 503) {
    return new AppError(503, 'server_busy', 'The server is busy; try again shortly', {
      cause: error,
      headers: retryAfter,
    });
  }
  return undefined;
}
