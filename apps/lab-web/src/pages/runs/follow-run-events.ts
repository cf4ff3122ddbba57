import { apiErrorOf } from '../../api/api-error.ts';
import {
  accessToken,
  ensureFreshToken,
  refreshSession,
  sessionExpired,
} from '../../session/session-store.ts';
import { createEventStreamParser } from './event-stream-parser.ts';
import type { LiveRunStore } from './live-run-store.ts';

const maxDelayMs = 15_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Follows `GET /api/runs/:id/events` into `store` until the run ends (its end-state event, or 204)
 * or `signal` aborts. Read with fetch() (EventSource cannot send the Authorization header); after a
 * drop it reconnects with Last-Event-ID, so nothing is missed or seen twice, backing off from the
 * server's `retry:` up to 15 s. A refusal that asking again will not change (403, 404) stops it.
 */
export async function followRunEvents(
  runId: string,
  store: LiveRunStore,
  signal: AbortSignal,
): Promise<void> {
  let baseDelay = 1_000;
  let delay = baseDelay;
  let refreshed = false;
  const parser = () =>
    createEventStreamParser({
      onEvent: (event) => store.handle(event),
      onRetry: (ms) => {
        baseDelay = Math.max(250, ms);
      },
    });
  while (!signal.aborted) {
    try {
      await ensureFreshToken();
      const headers = new Headers({ accept: 'text/event-stream' });
      const token = accessToken();
      if (token) headers.set('authorization', `Bearer ${token}`);
      if (store.lastEventId > 0) headers.set('last-event-id', String(store.lastEventId));
      const response = await fetch(`/api/runs/${encodeURIComponent(runId)}/events`, {
        headers,
        signal,
        cache: 'no-store',
      });
      if (response.status === 204) {
        store.setConnection('ended');
        return;
      }
      if (!response.ok || !response.body) {
        const error = await apiErrorOf(response);
        if (response.status === 401 && !refreshed) {
          // The token expired between the check and the call: refresh once and try again.
          refreshed = true;
          if (await refreshSession().catch(() => false)) continue;
          sessionExpired(error.message);
          store.setConnection('failed', error);
          return;
        }
        if (response.status < 500 && response.status !== 429) {
          store.setConnection('failed', error);
          return;
        }
        throw error;
      }
      refreshed = false;
      store.setConnection('live');
      const events = parser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        events.push(value);
        delay = baseDelay;
      }
      if (store.ended) {
        store.setConnection('ended');
        return;
      }
    } catch {
      if (signal.aborted) return;
    }
    if (store.ended) {
      store.setConnection('ended');
      return;
    }
    store.setConnection('reconnecting');
    // Jitter, so many clients dropped by one stopping server do not come back at the same instant.
    await sleep(delay * (0.75 + Math.random() * 0.5), signal);
    delay = Math.min(delay * 2, maxDelayMs);
  }
}
