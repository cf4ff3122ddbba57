import { createServer, type Server, Socket } from 'node:net';

/** A TCP forwarder to a real server that a test can cut and restore, as a network outage would. */
export interface TcpProxy {
  readonly port: number;
  /** Drops every open connection and stops listening: connections to the port are refused. */
  cut(): Promise<void>;
  /**
   * Keeps every connection open but stops passing bytes either way (a server that hangs): they wait
   * in the buffers, in order, until `restore()`.
   */
  stall(): void;
  /** Listens on the same port and forwards again. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Forwards 127.0.0.1:<port> (chosen by the OS at first, then kept) to `target`. */
export async function tcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server | undefined;
  let stalled = false;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer((client) => {
        const remote = new Socket();
        sockets.add(client).add(remote);
        const drop = () => {
          client.destroy();
          remote.destroy();
          sockets.delete(client);
          sockets.delete(remote);
        };
        client.on('error', drop).on('close', drop);
        remote.on('error', drop).on('close', drop);
        remote.connect(target.port, target.host, () => {
          client.pipe(remote).pipe(client);
          if (stalled) for (const socket of [client, remote]) socket.pause();
        });
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        const address = next.address();
        port = typeof address === 'object' && address ? address.port : 0;
        server = next;
        resolve();
      });
    });
  const stop = async () => {
    const current = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (current) await new Promise((resolve) => current.close(resolve));
  };
  await listen();
  return {
    get port() {
      return port;
    },
    cut: stop,
    stall: () => {
      stalled = true;
      for (const socket of sockets) socket.pause();
    },
    restore: async () => {
      stalled = false;
      for (const socket of sockets) socket.resume();
      if (!server) await listen();
    },
    close: stop,
  };
}
