import { useEffect, useState, useSyncExternalStore } from 'react';
import { followRunEvents } from './follow-run-events.ts';
import { LiveRunStore } from './live-run-store.ts';

/** A run's live store, following its event stream while the page shows it. */
export function useLiveRun(runId: string) {
  const [entry, setEntry] = useState(() => ({ runId, store: new LiveRunStore() }));
  // Another run in the same page instance: a fresh store (never mix two runs' events).
  const current = entry.runId === runId ? entry : { runId, store: new LiveRunStore() };
  if (current !== entry) setEntry(current);
  const { store } = current;
  useEffect(() => {
    const controller = new AbortController();
    void followRunEvents(runId, store, controller.signal);
    return () => {
      controller.abort();
      store.dispose();
    };
  }, [runId, store]);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { store, snapshot };
}
