import { connect } from 'node:net';

/** What came back on the socket: the status line's code, the headers and the body, as text. */
export interface RawHttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parseReply(raw: Buffer): RawHttpReply & { complete: boolean } {
  const text = raw.toString('utf8');
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return { status: Number.NaN, headers: {}, body: '', complete: false };
  const [statusLine = '', ...headerLines] = text.slice(0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = text.slice(headEnd + 4);
  const length = Number(headers['content-length']);
  const complete = Number.isInteger(length) && Buffer.byteLength(body) >= length;
  return { status: Number(statusLine.split(' ')[1]), headers, body, complete };
}

/**
 * Sends `request` byte for byte on a fresh TCP connection (no client library to tidy it up) and
 * resolves with the first response: once its Content-Length is in, or when the server closes the
 * connection. Use it for requests no HTTP client would send.
 */
export function sendRawHttp(port: number, request: string | Buffer): Promise<RawHttpReply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const settle = () => {
      const { complete: _complete, ...reply } = parseReply(Buffer.concat(chunks));
      socket.destroy();
      resolve(reply);
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (parseReply(Buffer.concat(chunks)).complete) settle();
    });
    // A reset after the server's answer (it closes at once on a refused request) still counts.
    socket.on('error', (error) => (chunks.length > 0 ? settle() : reject(error)));
    socket.on('close', settle);
    // Not end(): a half-closed connection may be dropped before a response is written.
    socket.write(request);
  });
}

/** One malformed request and the house error it must get. */
export interface MalformedRequest {
  name: string;
  request: string;
  status: number;
  code: string;
}

/**
 * Requests Node's HTTP parser refuses before the app sees them (plus a missing Host, which Node
 * leaves to the app), aimed at `jsonPath`, a POST route taking JSON: the same list for every service.
 */
export function malformedRequests(jsonPath: string): MalformedRequest[] {
  const post = (headers: string, body: string) =>
    `POST ${jsonPath} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;
  return [
    {
      name: 'a header over 16 KB',
      request: `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(17_000)}\r\n\r\n`,
      status: 431,
      code: 'headers_too_large',
    },
    {
      name: 'a URL over 16 KB',
      request: `GET /health?padding=${'a'.repeat(17_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
      status: 431,
      code: 'headers_too_large',
    },
    {
      name: 'an unknown method',
      request: 'FOO /health HTTP/1.1\r\nHost: localhost\r\n\r\n',
      status: 400,
      code: 'unknown_method',
    },
    {
      name: 'a Content-Length that is not a number',
      request: post('Content-Length: abc\r\n', '{}'),
      status: 400,
      code: 'invalid_content_length',
    },
    {
      name: 'two different Content-Lengths',
      request: post('Content-Length: 2\r\nContent-Length: 3\r\n', '{}'),
      status: 400,
      code: 'invalid_content_length',
    },
    {
      name: 'a chunk size that is not hexadecimal',
      request: post('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n'),
      status: 400,
      code: 'invalid_chunked_body',
    },
    {
      name: 'a header name with a space before the colon',
      request: 'GET /health HTTP/1.1\r\nHost : localhost\r\n\r\n',
      status: 400,
      code: 'malformed_request',
    },
    {
      name: 'an HTTP/1.1 request without Host',
      request: 'GET /health HTTP/1.1\r\nConnection: close\r\n\r\n',
      status: 400,
      code: 'missing_host',
    },
  ];
}
