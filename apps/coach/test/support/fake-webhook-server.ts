import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One POST the fake chat service received. */
export interface WebhookDelivery {
  path: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

/**
 * A real HTTP server on 127.0.0.1 playing a Slack or Discord incoming webhook: it records every
 * POST and answers 200, or the statuses queued with `failNext`. `stop()` and `restart()` take it
 * off the network and back on the same port (a webhook outage, connection refused meanwhile).
 */
export interface FakeWebhookServer {
  /** The webhook URL, with a token-like path as the real services have. */
  url: string;
  deliveries: WebhookDelivery[];
  failNext(...statuses: number[]): void;
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeWebhookServer(): Promise<FakeWebhookServer> {
  const deliveries: WebhookDelivery[] = [];
  const failures: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = failures.shift();
      if (status !== undefined) {
        response.writeHead(status, { 'content-type': 'text/plain' }).end('fake outage');
        return;
      }
      deliveries.push({
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/fake-token`,
    deliveries,
    failNext: (...statuses) => failures.push(...statuses),
    stop,
    restart: () => listen(port),
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}
