import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** How long a start waits for Redis before serving without it (the limits apply once it connects). */
const readyWaitMs = 1_000;

/**
 * The client for the shared rate-limit counters (REDIS_URL). Redis holds nothing else, so it must
 * never hold a request up: while it is unreachable a command fails at once (no offline queue), while
 * it hangs within a second (command timeout), and the limiter then lets the request through. The
 * start waits up to a second for the connection, so an instance counts from its first request when
 * Redis is there, and starts anyway when it is not.
 */
export async function openRateLimitRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    connectTimeout: 1_000,
    commandTimeout: 1_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
  // Until the app attaches its logging listener, an outage must not print ioredis's "Unhandled
  // error event" to stderr: the app reports it once it is up (and /health shows it).
  redis.on('error', () => {});
  const waiting = new AbortController();
  await Promise.race([
    once(redis, 'ready', { signal: waiting.signal }),
    sleep(readyWaitMs, undefined, { signal: waiting.signal }),
  ]).catch(() => {
    // Unreachable now ('error' rejects `once`): it keeps reconnecting, and the app logs the outage.
  });
  waiting.abort();
  return redis;
}
