import { type LoggerOptions, stdSerializers } from 'pino';

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
 * Logs an error without what a database error drags along: drizzle's message holds the statement
 * and every parameter, and PGlite errors carry the whole script (`query`), i.e. the user's words.
 * The driver's own error (code, severity, constraint) is kept.
 */
export function serializeError(error: unknown): unknown {
  let current = error as (Error & { query?: unknown; params?: unknown; cause?: unknown }) | undefined;
  if (current && current.name === 'DrizzleQueryError' && current.cause)
    current = current.cause as typeof current;
  if (!(current instanceof Error)) return current;
  const { query: _query, params: _params, ...rest } = stdSerializers.err(current) as Record<string, unknown>;
  const clean: Record<string, unknown> = {};
  for (const key of [
    'type',
    'message',
    'stack',
    'code',
    'severity',
    'constraint',
    'table',
    'column',
    'routine',
    'statusCode',
  ]) {
    if (rest[key] !== undefined) clean[key] = rest[key];
  }
  if (typeof clean.message === 'string' && /^Failed query:/.test(clean.message))
    clean.message = 'Failed query';
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
