import { AppError, ValidationError } from '../errors.ts';
import type { RouteScope } from './route-scope.ts';

/** Whether the request carries a body (Node reads one only when these headers announce it). */
function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/**
 * Checks Node leaves to the application, answered in the house shape:
 * - HTTP/1.1 requires a Host header. Node's own check answers a bare 400 with no body, so the server
 *   is created with it off (`requireHostHeader: false`) and the request is refused here instead.
 * - Nothing here decompresses request bodies, so a gzip body would be parsed as garbage (or a
 *   multipart upload as a broken form): any content coding but `identity` is refused with 415 and
 *   `Accept-Encoding: identity` (RFC 9110, 12.5.3). It runs before parsing, after authentication.
 */
export function refuseUnframedRequests(app: RouteScope): void {
  app.addHook('onRequest', async (request) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      throw new ValidationError('missing_host', 'HTTP/1.1 requests must carry a Host header');
    }
  });
  app.addHook('preParsing', async (request, _reply, payload) => {
    const coding = request.headers['content-encoding']?.trim().toLowerCase();
    if (coding && coding !== 'identity' && hasBody(request.headers)) {
      throw new AppError(
        415,
        'unsupported_content_encoding',
        'Send the body uncompressed: the only accepted Content-Encoding is identity',
        { headers: { 'accept-encoding': 'identity' } },
      );
    }
    return payload;
  });
}
