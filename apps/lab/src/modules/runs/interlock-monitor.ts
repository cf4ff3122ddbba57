import type { InstrumentSession } from '../instruments/index.ts';

/** One instrument's interlock lines as last read, for GET /api/safety/interlocks. */
export interface InterlockState {
  run_id: string;
  role: string;
  device_id: string;
  hub_id: string | null;
  lines: Record<string, boolean>;
  read_at: string | null;
  tripped: string | null;
}

export interface WatchedInstrument {
  runId: string;
  role: string;
  deviceId: string;
  hubId: string | null;
  session: InstrumentSession;
}

/**
 * Polls the interlock lines of the instruments of running workflows (default every 100 ms). A line
 * that reads unsafe, or a read that fails (fail-safe), calls `onTrip` once per instrument with what
 * tripped; `check` reads the lines of one run at once (the engine asks before every instrument step).
 */
export function createInterlockMonitor(
  pollMs: number,
  onTrip: (watched: WatchedInstrument, what: string) => void,
) {
  const watched = new Map<string, WatchedInstrument & { state: InterlockState; timer: NodeJS.Timeout }>();
  const key = (runId: string, role: string) => `${runId}/${role}`;

  async function read(entry: WatchedInstrument & { state: InterlockState }): Promise<string | null> {
    if (entry.state.tripped) return entry.state.tripped;
    let tripped: string | null;
    try {
      const reading = await entry.session.readInterlocks?.();
      entry.state.lines = reading?.lines ?? {};
      entry.state.read_at = new Date().toISOString();
      const unsafe = Object.entries(entry.state.lines).find(([, safe]) => !safe);
      tripped = unsafe ? `${unsafe[0]} line open` : null;
    } catch (error) {
      tripped = `interlock read failed (${error instanceof Error ? error.message : String(error)})`;
    }
    if (tripped && !entry.state.tripped) {
      entry.state.tripped = tripped;
      onTrip(entry, tripped);
    }
    return tripped;
  }

  return {
    watch(instrument: WatchedInstrument): void {
      if (!instrument.session.readInterlocks) return;
      const state: InterlockState = {
        run_id: instrument.runId,
        role: instrument.role,
        device_id: instrument.deviceId,
        hub_id: instrument.hubId,
        lines: {},
        read_at: null,
        tripped: null,
      };
      const entry = { ...instrument, state, timer: setInterval(() => void read(entry), pollMs) };
      entry.timer.unref();
      watched.set(key(instrument.runId, instrument.role), entry);
    },
    /** Reads a run's lines now; answers what tripped, if anything. */
    async check(runId: string): Promise<string | null> {
      for (const entry of watched.values()) {
        if (entry.runId !== runId) continue;
        const tripped = await read(entry);
        if (tripped) return tripped;
      }
      return null;
    },
    unwatch(runId: string): void {
      for (const [name, entry] of watched) {
        if (entry.runId !== runId) continue;
        clearInterval(entry.timer);
        watched.delete(name);
      }
    },
    states(): InterlockState[] {
      return [...watched.values()].map((entry) => ({ ...entry.state, lines: { ...entry.state.lines } }));
    },
  };
}

export type InterlockMonitor = ReturnType<typeof createInterlockMonitor>;
