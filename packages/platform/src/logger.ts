import type { LoggerOptions } from 'pino';
import { fieldOf } from './errors.ts';

export { LogDestination, type LogDestinationOptions, type LogOutput } from './log-destination.ts';

/**
 * Paths never written to logs: credentials and the user's own words. Message text is personal
 * (health, mood) so it is redacted wherever it appears in a logged object.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.secret',
  '*.apiKey',
  '*.api_key',
  '*.authorization',
  '*.messages',
  '*.content',
  '*.user_message',
  '*.ai_response',
  '*.reply',
  '*.notes',
  'password',
  'token',
  'messages',
  'content',
  'reply',
];

/**
 * Logs an error without what a database error drags along: PGlite errors carry the whole script
 * (`query`, with one-trip statements' inlined values), and PostgreSQL's `detail` quotes the
 * offending values, i.e. the user's words. The driver's own code, severity and constraint are kept.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const current = error;
  const clean: Record<string, unknown> = {
    type: current.constructor?.name ?? 'Error',
    message: current.message,
    stack: current.stack,
  };
  for (const key of ['code', 'severity', 'constraint', 'table', 'column', 'routine', 'statusCode']) {
    const value = fieldOf(current, key);
    if (value !== undefined) clean[key] = value;
  }
  return clean;
}

/** pino options shared by every service: level, redaction, database-safe error serialisation. */
export function loggerOptions(level: string, name: string): LoggerOptions {
  return {
    level,
    name,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
  };
}
