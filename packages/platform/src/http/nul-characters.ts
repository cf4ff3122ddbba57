import { ValidationError } from '../errors.ts';
import type { RouteScope } from './route-scope.ts';

/**
 * PostgreSQL text cannot hold NUL, so a request carrying one could only fail later, half-way
 * through, and with the wrong error: it is refused up front with a 400 and a code.
 */
export function nulRefused(): ValidationError {
  return new ValidationError(
    'invalid_characters',
    'The request contains a NUL character, which is not allowed',
  );
}

// `\u0000` as a JSON escape: after an even number of backslashes (`\\u0000` is a backslash and text).
const escapedNul = /(?<!\\)(?:\\\\)*\\u0000/;

/** A JSON body text with a NUL, raw or escaped. */
export const bodyHasNul = (body: string) => body.includes(String.fromCharCode(0)) || escapedNul.test(body);

/** Refuses a NUL in the path or query string (it can only arrive percent-encoded). */
export function refuseNulInUrls(app: RouteScope): void {
  app.addHook('onRequest', async (request) => {
    if (/%00/i.test(request.url)) throw nulRefused();
  });
}
