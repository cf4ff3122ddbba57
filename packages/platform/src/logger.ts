import type { LoggerOptions } from 'pino';

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

/** pino options shared by every service: level, redaction, pretty only when a human watches. */
export function loggerOptions(level: string, name: string): LoggerOptions {
  return {
    level,
    name,
    redact: { paths: redactedPaths, censor: '[redacted]' },
  };
}
