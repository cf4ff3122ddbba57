import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';

// What Node's HTTP parser refuses before any request exists, as house codes. Anything else it
// refuses (a bad header name, a broken request line) is `malformed_request`.
const parserErrors: Record<string, [status: number, code: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'The request line and headers may be at most 16 KB'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'payload_too_large', 'The chunk extensions are too large'],
  HPE_INVALID_METHOD: [400, 'unknown_method', 'The request method is not one this server knows'],
  HPE_INVALID_URL: [400, 'invalid_url', 'The request target is not a valid URL'],
  HPE_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length', 'The Content-Length header is not a length'],
  HPE_UNEXPECTED_CONTENT_LENGTH: [
    400,
    'invalid_content_length',
    'The Content-Length header is repeated or conflicts with Transfer-Encoding',
  ],
  HPE_INVALID_TRANSFER_ENCODING: [400, 'invalid_transfer_encoding', 'The Transfer-Encoding is not valid'],
  HPE_INVALID_CHUNK_SIZE: [400, 'invalid_chunked_body', 'The chunked body is malformed'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request did not arrive in time'],
};

/** The response in flight on a keep-alive socket, if any (Node keeps it there). */
type ServingSocket = Socket & { _httpMessage?: { headersSent: boolean } | null };

/**
 * Answers requests Node's HTTP parser refuses (a header or URL over 16 KB, an unknown method, a bad
 * Content-Length or chunk) in the house error shape instead of Fastify's own. Like Node, it writes
 * only when no response has started on the socket, then closes the connection: the byte stream can
 * no longer be trusted to frame another request.
 */
export function clientErrorHandler(log: FastifyBaseLogger) {
  return (error: Error & { code?: string }, socket: ServingSocket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, code, message] = parserErrors[error.code ?? ''] ?? [
      400,
      'malformed_request',
      'The request is not valid HTTP',
    ];
    // Scanners and broken clients send these all day: worth a trace, not an alert.
    log.debug({ err: error, code }, 'refused by the HTTP parser');
    if (socket.writable && !socket._httpMessage?.headersSent) {
      const body = JSON.stringify({ error: { code, message } });
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'X-Content-Type-Options: nosniff\r\n' +
          'Connection: close\r\n\r\n' +
          body,
      );
    }
    socket.destroy(error);
  };
}
