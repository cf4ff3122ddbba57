import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the fake answers a whole request instead of its normal 200. */
export type ExpoRequestFailure =
  | { status: 429; retryAfter?: number }
  | { status: 500 | 502 | 503 | 400 }
  | 'hang';

export interface FakeExpoMessage {
  to: string;
  title: string;
  body: string;
  data: { notification_id: string };
  sound?: string;
}

/** One send request as received (answered or not). */
export interface FakeExpoSend {
  headers: IncomingHttpHeaders;
  messages: FakeExpoMessage[];
}

/**
 * A real HTTP server on 127.0.0.1 playing Expo's push API: `POST /--/api/v2/push/send` answers one
 * ticket per message, `POST /--/api/v2/push/getReceipts` one receipt per known ticket id. Scripts:
 * per-token ticket and receipt errors (or a receipt that never comes), whole-request failures for the
 * next requests (429 with Retry-After, 5xx, a hang that never answers), and a latency per request.
 * Every request is recorded, failed ones included.
 */
export interface FakeExpoServer {
  pushUrl: string;
  receiptsUrl: string;
  sends: FakeExpoSend[];
  receiptRequests: { headers: IncomingHttpHeaders; ids: string[] }[];
  /** Ticket error code per token (DeviceNotRegistered, MessageTooBig, MessageRateExceeded…). */
  ticketErrors: Map<string, string>;
  /** Receipt error code per token, or 'missing' for a receipt Expo never has. */
  receiptErrors: Map<string, string>;
  failNextSends(...failures: ExpoRequestFailure[]): void;
  failNextReceipts(...failures: ExpoRequestFailure[]): void;
  /** Milliseconds before each answer (the bench's 100 ms Expo). */
  latencyMs: number;
  /** Every message of every answered send, in order. */
  sentMessages(): FakeExpoMessage[];
  close(): Promise<void>;
}

export async function startFakeExpoServer(options: { latencyMs?: number } = {}): Promise<FakeExpoServer> {
  const sockets = new Set<Socket>();
  const ticketToken = new Map<string, string>();
  const sendFailures: ExpoRequestFailure[] = [];
  const receiptFailures: ExpoRequestFailure[] = [];
  let nextTicket = 0;
  const answered: FakeExpoMessage[][] = [];

  const fake: FakeExpoServer = {
    pushUrl: '',
    receiptsUrl: '',
    sends: [],
    receiptRequests: [],
    ticketErrors: new Map(),
    receiptErrors: new Map(),
    latencyMs: options.latencyMs ?? 0,
    failNextSends: (...failures) => sendFailures.push(...failures),
    failNextReceipts: (...failures) => receiptFailures.push(...failures),
    sentMessages: () => answered.flat(),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const ticketFor = (message: FakeExpoMessage) => {
    const error = fake.ticketErrors.get(message.to);
    if (error) return { status: 'error', message: `fake ${error}`, details: { error } };
    const id = `ticket-${++nextTicket}`;
    ticketToken.set(id, message.to);
    return { status: 'ok', id };
  };

  const receiptsFor = (ids: string[]) => {
    const receipts: Record<string, unknown> = {};
    for (const id of ids) {
      const token = ticketToken.get(id);
      if (token === undefined) continue;
      const error = fake.receiptErrors.get(token);
      if (error === 'missing') continue;
      receipts[id] = error
        ? { status: 'error', message: `fake ${error}`, details: { error } }
        : { status: 'ok' };
    }
    return receipts;
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
      const isSend = request.url === '/--/api/v2/push/send';
      const isReceipts = request.url === '/--/api/v2/push/getReceipts';
      if (request.method !== 'POST' || (!isSend && !isReceipts)) {
        response.writeHead(404).end();
        return;
      }
      if (isSend) fake.sends.push({ headers: request.headers, messages: body });
      else fake.receiptRequests.push({ headers: request.headers, ids: body.ids });
      const failure = (isSend ? sendFailures : receiptFailures).shift();
      if (failure === 'hang') return; // never answered: the client's timeout must end it
      setTimeout(() => {
        if (failure) {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (failure.status === 429 && failure.retryAfter !== undefined)
            headers['retry-after'] = String(failure.retryAfter);
          const code =
            failure.status === 429
              ? 'TOO_MANY_REQUESTS'
              : failure.status === 400
                ? 'VALIDATION_ERROR'
                : 'INTERNAL_SERVER_ERROR';
          response
            .writeHead(failure.status, headers)
            .end(JSON.stringify({ errors: [{ code, message: 'fake failure' }] }));
          return;
        }
        let data: unknown;
        if (isSend) {
          const messages = body as FakeExpoMessage[];
          answered.push(messages);
          data = messages.map(ticketFor);
        } else {
          data = receiptsFor(body.ids as string[]);
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
      }, fake.latencyMs);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.pushUrl = `http://127.0.0.1:${port}/--/api/v2/push/send`;
  fake.receiptsUrl = `http://127.0.0.1:${port}/--/api/v2/push/getReceipts`;
  return fake;
}
