import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';

/**
 * Server-Sent Events over a hijacked reply. Headers are written lazily with the first event, so
 * anything that fails before then (validation, auth) still gets a normal JSON error response.
 */
export function createSseWriter(reply: FastifyReply) {
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
  };
  return {
    get started() {
      return started;
    },
    send(event: string, data: unknown): void {
      start();
      if (!reply.raw.destroyed) reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end(): void {
      if (started && !reply.raw.destroyed) reply.raw.end();
    },
  };
}
