import { bodyHasNul, nulRefused } from './nul-characters.ts';
import type { RouteScope } from './route-scope.ts';

/**
 * Parses JSON bodies with Fastify's hardened parser (prototype-poisoning checks) and refuses a NUL
 * character anywhere in them up front, with a 400 and a code.
 */
export function registerJsonBodyParser(app: RouteScope): void {
  const defaultParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && bodyHasNul(body)) {
      done(nulRefused(), undefined);
      return;
    }
    defaultParser(request, String(body), done);
  });
}
