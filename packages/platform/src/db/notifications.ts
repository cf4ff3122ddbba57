import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { quoteIdent } from './sql-literal.ts';

/** What a listener hears: each notification's payload, and each (re)connection. */
export interface NotificationHandlers {
  notified(payload: string): void;
  /**
   * The listening connection is (again) in place. Notifications sent while it was down are lost, so
   * a listener catches up from the database here (the first call comes once listening has begun).
   */
  connected?(): void;
}

/** Stops listening. */
export type StopListening = () => Promise<void>;

/**
 * LISTENs on a PostgreSQL server channel over one dedicated connection (outside the pool: a pooled
 * client would be handed to other queries), reconnecting with backoff when it drops.
 */
export async function listenOnServer(
  url: string,
  channel: string,
  handlers: NotificationHandlers,
): Promise<StopListening> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let delayMs = 250;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    // A dropped connection is noticed here and by 'end'; either way, connect again.
    next.on('error', () => {});
    next.on('end', () => {
      if (stopped || client !== next) return;
      client = undefined;
      scheduleReconnect();
    });
    next.on('notification', (message) => {
      if (message.channel === channel) handlers.notified(message.payload ?? '');
    });
    await next.connect();
    await next.query(`LISTEN ${quoteIdent(channel)}`);
    if (stopped) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    delayMs = 250;
    handlers.connected?.();
  };
  const scheduleReconnect = () => {
    retryTimer = setTimeout(() => {
      connect().catch(() => scheduleReconnect());
    }, delayMs);
    retryTimer.unref();
    delayMs = Math.min(delayMs * 2, 5_000);
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    const current = client;
    client = undefined;
    await current?.end().catch(() => {});
  };
}

/** LISTENs on the embedded database's one connection (it never drops). */
export async function listenOnPglite(
  client: PGlite,
  channel: string,
  handlers: NotificationHandlers,
): Promise<StopListening> {
  const unlisten = await client.listen(channel, handlers.notified);
  handlers.connected?.();
  // A closed database has no listeners left to remove (its owner may close it first).
  return async () => {
    if (!client.closed) await unlisten();
  };
}
