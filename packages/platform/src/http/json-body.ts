import { bodyTextProblem, invalidCharacters, jsonTextProblem } from './invalid-characters.ts';
import type { RouteScope } from './route-scope.ts';

/**
 * Parses JSON bodies with Fastify's hardened parser (prototype-poisoning checks), taking the raw
 * bytes so that text breaking the request-text rule (not UTF-8, NUL, a lone surrogate) is refused
 * with a 400 and a code instead of being decoded into U+FFFD or stored half-way.
 */
export function registerJsonBodyParser(app: RouteScope): void {
  const defaultParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const bytesProblem = bodyTextProblem(raw);
    if (bytesProblem) {
      done(invalidCharacters(bytesProblem), undefined);
      return;
    }
    const text = raw.toString('utf8');
    defaultParser(request, text, (error, value) => {
      const problem = error ? undefined : jsonTextProblem(text, value);
      if (problem) done(invalidCharacters(problem), undefined);
      else done(error, value);
    });
  });
}
