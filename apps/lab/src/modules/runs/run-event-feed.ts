import type { FastifyBaseLogger } from 'fastify';
import type { LabDatabase } from '../../db/lab-database.ts';
import { readInLabs } from '../sites/index.ts';
import { unpackValues } from './run-data.ts';
import { lastRunEventSeq, type RunEventRow, runEventsAfter } from './run-events.repository.ts';

/** An event ready for the wire: its number, and its Server-Sent Events frame. */
export interface FeedEvent {
  seq: number;
  type: RunEventRow['type'];
  /** The run reached an end state with this event (completed, failed or aborted). */
  final: boolean;
  frame: string;
}

/** One client's stream: gets events in order, each once. */
export interface FeedSubscriber {
  deliver(events: readonly FeedEvent[]): void;
  /** The server is stopping: end the stream (the client reconnects elsewhere with its last id). */
  end(): void;
}

const finalStatuses = new Set(['completed', 'failed', 'aborted']);
const channel = 'lab_run_events';
/** Events a feed keeps for subscribers that join while it is reading. */
const recentKept = 2_000;
const pageSize = 500;

/**
 * The SSE frame of a stored event. A frame's values (float32) are written with 7 significant digits,
 * what float32 holds; `withValues` false leaves them out (a reconnecting client's backlog sends only
 * the latest spectrum's values, not every one it missed).
 */
export function eventFrame(runId: string, row: RunEventRow, withValues: boolean): FeedEvent {
  const data: Record<string, unknown> = { run_id: runId, seq: row.seq, at: row.created_at, ...row.payload };
  if (withValues && row.vals)
    data.values = unpackValues(row.vals).map((value) => Number(value.toPrecision(7)));
  return {
    seq: row.seq,
    type: row.type,
    final: row.type === 'state' && finalStatuses.has(String(row.payload.status)),
    frame: `id: ${row.seq}\nevent: ${row.type}\ndata: ${JSON.stringify(data)}\n\n`,
  };
}

interface Subscription {
  subscriber: FeedSubscriber;
  /** The last event it has been given. */
  cursor: number;
  /** Still reading its backlog from the database: live events wait in the feed's recent list. */
  catchingUp: boolean;
}

/** One run's live events in this process, read once from the database for all its subscribers. */
interface Feed {
  runId: string;
  labIds: readonly string[];
  /** Resolves once `lastSeq` is known (the run's last event when the feed opened). */
  ready: Promise<void>;
  lastSeq: number;
  recent: FeedEvent[];
  subscriptions: Set<Subscription>;
  reading: Promise<void> | null;
  readAgain: boolean;
}

export interface RunEventHub {
  /**
   * Streams a run's events after `afterSeq` to `subscriber`: the backlog first, then live events as
   * any instance on this database commits them. Resolves (with how to stop) once the backlog is
   * delivered.
   */
  subscribe(
    runId: string,
    labIds: readonly string[],
    afterSeq: number,
    subscriber: FeedSubscriber,
  ): Promise<() => void>;
  /** How many clients are subscribed in this process. */
  subscriberCount(): number;
  /** Ends every stream (the server is stopping) and stops listening. */
  stop(): Promise<void>;
}

/**
 * Fans run events out to Server-Sent Events clients. Each instance LISTENs on `lab_run_events` (the
 * insert trigger NOTIFYs the run id at commit) and, for a run with subscribers here, reads the new
 * events once and hands them to every subscriber, so 100 clients cost one query per batch, not 100.
 */
export function createRunEventHub(db: LabDatabase, log: FastifyBaseLogger): RunEventHub {
  const feeds = new Map<string, Feed>();
  let listening: Promise<() => Promise<void>> | null = null;
  let subscribers = 0;

  const read = (feed: Feed): Promise<void> => {
    if (feed.reading) {
      feed.readAgain = true;
      return feed.reading;
    }
    feed.reading = (async () => {
      await feed.ready;
      let more = true;
      while (more) {
        feed.readAgain = false;
        const rows = await runEventsAfter(readInLabs(db, feed.labIds), feed.runId, feed.lastSeq, pageSize, {
          values: true,
        });
        const events = rows.map((row) => eventFrame(feed.runId, row, true));
        const last = events.at(-1);
        if (last) {
          feed.lastSeq = last.seq;
          feed.recent.push(...events);
          if (feed.recent.length > recentKept) feed.recent.splice(0, feed.recent.length - recentKept);
          for (const subscription of feed.subscriptions) {
            if (!subscription.catchingUp) hand(subscription, events);
          }
        }
        more = feed.readAgain || rows.length === pageSize;
      }
    })()
      .catch((error: unknown) => log.warn({ err: error, run_id: feed.runId }, 'reading run events failed'))
      .finally(() => {
        feed.reading = null;
      });
    return feed.reading;
  };

  const listen = () => {
    listening ??= db.listen(channel, {
      notified: (runId) => {
        const feed = feeds.get(runId);
        if (feed) void read(feed);
      },
      // Notifications are lost while the connection is down: read every feed again.
      connected: () => {
        for (const feed of feeds.values()) void read(feed);
      },
    });
    return listening;
  };

  const openFeed = (runId: string, labIds: readonly string[]): Feed => {
    const feed: Feed = {
      runId,
      labIds,
      ready: Promise.resolve(),
      lastSeq: 0,
      recent: [],
      subscriptions: new Set(),
      reading: null,
      readAgain: false,
    };
    feed.ready = (async () => {
      // Listening first: an event committed after the count below is then always heard.
      await listen();
      feed.lastSeq = await lastRunEventSeq(readInLabs(db, labIds), runId);
    })();
    return feed;
  };

  return {
    async subscribe(runId, labIds, afterSeq, subscriber) {
      let feed = feeds.get(runId);
      if (!feed) {
        feed = openFeed(runId, labIds);
        feeds.set(runId, feed);
      }
      const subscription: Subscription = { subscriber, cursor: afterSeq, catchingUp: true };
      feed.subscriptions.add(subscription);
      subscribers += 1;
      let subscribed = true;
      const opened = feed;
      const unsubscribe = () => {
        if (!subscribed) return;
        subscribed = false;
        subscribers -= 1;
        opened.subscriptions.delete(subscription);
        if (opened.subscriptions.size === 0 && feeds.get(runId) === opened) feeds.delete(runId);
      };
      try {
        await feed.ready;
        // The backlog from the database, until the feed's recent events take over.
        for (;;) {
          const oldestKept = feed.recent[0]?.seq ?? feed.lastSeq + 1;
          if (subscription.cursor + 1 >= oldestKept) break;
          const scope = readInLabs(db, labIds);
          const rows = await runEventsAfter(scope, runId, subscription.cursor, pageSize, { values: false });
          if (rows.length === 0) break;
          // Only the page's latest spectrum travels with its values: read that one frame alone.
          const lastData = rows.findLast((row) => row.type === 'data');
          const withValues = lastData
            ? (await runEventsAfter(scope, runId, lastData.seq - 1, 1, { values: true }))[0]
            : undefined;
          hand(
            subscription,
            rows.map((row) =>
              row === lastData && withValues
                ? eventFrame(runId, withValues, true)
                : eventFrame(runId, row, false),
            ),
          );
        }
        hand(subscription, feed.recent);
        subscription.catchingUp = false;
      } catch (error) {
        unsubscribe();
        throw error;
      }
      return unsubscribe;
    },
    subscriberCount: () => subscribers,
    async stop() {
      for (const feed of feeds.values()) {
        for (const subscription of feed.subscriptions) subscription.subscriber.end();
      }
      feeds.clear();
      const stopListening = await listening?.catch(() => undefined);
      listening = null;
      await stopListening?.();
    },
  };
}

/** Gives a subscription the events it has not had yet. */
function hand(subscription: Subscription, events: readonly FeedEvent[]): void {
  const fresh = events.filter((event) => event.seq > subscription.cursor);
  const last = fresh.at(-1);
  if (!last) return;
  subscription.cursor = last.seq;
  subscription.subscriber.deliver(fresh);
}
