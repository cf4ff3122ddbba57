import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';

export interface SseWriter {
  readonly started: boolean;
  /** Whether the client is gone (writes are dropped). */
  readonly closed: boolean;
  /** One event; with an `id`, a reconnecting client sends it back as `Last-Event-ID`. */
  send(event: string, data: unknown, id?: string | number): void;
  /** Frames already in the event-stream format (shared by many streams, serialised once). */
  raw(frames: string): void;
  /** A comment line: keeps proxies from closing an idle stream; clients ignore it. */
  comment(text: string): void;
  end(): void;
}

/**
 * Server-Sent Events over a hijacked reply. Headers are written lazily with the first event, so
 * anything that fails before then (validation, auth) still gets a normal JSON error response.
 */
export function createSseWriter(reply: FastifyReply, options: { retryMs?: number } = {}): SseWriter {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    reply.hijack();
    // What the hooks set (CORS, security headers, request id), minus the length a stream cannot have.
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined && name !== 'content-length') headers[name] = value;
    }
    reply.raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    if (options.retryMs !== undefined) reply.raw.write(`retry: ${options.retryMs}\n\n`);
  };
  const write = (text: string) => {
    start();
    if (!reply.raw.destroyed) reply.raw.write(text);
  };
  return {
    get started() {
      return started;
    },
    get closed() {
      return reply.raw.destroyed || reply.raw.writableEnded;
    },
    send(event, data, id) {
      // An id never holds a line break (it comes from our own sequence numbers).
      write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    raw: write,
    comment(text) {
      write(`: ${text.replaceAll('\n', ' ')}\n\n`);
    },
    end() {
      if (started && !reply.raw.destroyed) reply.raw.end();
    },
  };
}
