import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../errors.ts';

// PostgreSQL text cannot hold NUL, so a body carrying one could only fail later, half-way through.
const hasNul = (body: string) => body.includes('\\u0000') || body.includes(String.fromCharCode(0));

/**
 * Parses JSON bodies with Fastify's hardened parser (prototype-poisoning checks) and refuses a NUL
 * character anywhere in them up front, with a 400 and a code.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const defaultParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && hasNul(body)) {
      done(
        new ValidationError(
          'invalid_characters',
          'The request contains a NUL character, which is not allowed',
        ),
        undefined,
      );
      return;
    }
    defaultParser(request, String(body), done);
  });
}
