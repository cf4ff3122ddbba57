import type { StreamEvent } from './event-stream-parser.ts';
import { endStatuses, isRunStatus, type RunStatus } from './run-status.ts';

/** How the page is following the run's event stream. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed';
export type StepState = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'stopped';

export interface StepProgress {
  state: StepState;
  /** How many times the step started (a step in a loop runs once a pass). */
  starts: number;
  outputs?: Record<string, unknown> | undefined;
}

/** What React renders: changes a few times a second at most, never once a data frame. */
export interface LiveSnapshot {
  connection: ConnectionState;
  connectionError: unknown;
  status: RunStatus | null;
  waitingStep: string | null;
  abortReason: string | null;
  failedStep: string | null;
  error: string | null;
  abortRequested: boolean;
  /** Progress by step path (/steps/3/steps/0), from the events. */
  steps: ReadonlyMap<string, StepProgress>;
  lastEventId: number;
  /** Counts state events: a new one tells the page to read the run again. */
  stateEvents: number;
}

export interface SpectrumFrame {
  seq: number;
  values: number[];
  startNm: number;
  stepNm: number;
  at: string;
}

export interface ReadingPoint {
  /** Unix seconds, when the frame was stored. */
  t: number;
  series: string;
  value: number;
}

/*
 * The SSE payloads are not in the OpenAPI document (the stream is one text/event-stream string), so
 * their fields are read defensively here: see docs/workflows.md "Live events".
 */
type Payload = Record<string, unknown>;
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const maxReadings = 5_000;
/** Step and counter changes reach React at most this often (a fast loop sends events at 20 Hz). */
const flushMs = 200;

/**
 * One run's live state, fed by its event stream. Low-rate state (status, steps) is published to React
 * through `subscribe`/`getSnapshot` (batched); spectra and readings go straight to the charts'
 * listeners, which draw them on canvas without a React render.
 */
export class LiveRunStore {
  #snapshot: LiveSnapshot = {
    connection: 'connecting',
    connectionError: null,
    status: null,
    waitingStep: null,
    abortReason: null,
    failedStep: null,
    error: null,
    abortRequested: false,
    steps: new Map(),
    lastEventId: 0,
    stateEvents: 0,
  };
  #next: LiveSnapshot = this.#snapshot;
  #steps = new Map<string, StepProgress>();
  #listeners = new Set<() => void>();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #spectrumListeners = new Set<(frame: SpectrumFrame) => void>();
  #readingListeners = new Set<(point: ReadingPoint) => void>();
  /** The newest spectrum with its values, for a chart that mounts after it arrived. */
  latestSpectrum: SpectrumFrame | null = null;
  /** Every scalar reading so far (capped), for a chart that mounts late. */
  readonly readings: ReadingPoint[] = [];
  /** Spectra received with their values: each one the spectrum chart must draw. */
  spectraReceived = 0;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): LiveSnapshot => this.#snapshot;

  onSpectrum(listener: (frame: SpectrumFrame) => void): () => void {
    this.#spectrumListeners.add(listener);
    return () => this.#spectrumListeners.delete(listener);
  }

  onReading(listener: (point: ReadingPoint) => void): () => void {
    this.#readingListeners.add(listener);
    return () => this.#readingListeners.delete(listener);
  }

  get lastEventId(): number {
    return this.#next.lastEventId;
  }

  /** The run reached completed, failed or aborted: its stream has nothing more to send. */
  get ended(): boolean {
    return this.#next.status !== null && endStatuses.has(this.#next.status);
  }

  setConnection(connection: ConnectionState, error: unknown = null): void {
    if (this.#next.connection === connection && this.#next.connectionError === error) return;
    this.#next = { ...this.#next, connection, connectionError: error };
    this.#flush();
  }

  handle(event: StreamEvent): void {
    let data: Payload;
    try {
      data = JSON.parse(event.data) as Payload;
    } catch {
      return;
    }
    const id = Number(event.id);
    if (Number.isFinite(id) && id > this.#next.lastEventId) this.#next = { ...this.#next, lastEventId: id };
    if (event.type === 'state') this.#state(data);
    else if (event.type === 'step_started') this.#stepStarted(data);
    else if (event.type === 'step_finished') this.#stepFinished(data);
    else if (event.type === 'data') this.#data(data);
    this.#schedule();
  }

  #state(data: Payload): void {
    const status = str(data.status) ?? undefined;
    const next = { ...this.#next, stateEvents: this.#next.stateEvents + 1 };
    if (isRunStatus(status)) next.status = status;
    next.waitingStep = str(data.waiting_step);
    next.abortReason = str(data.abort_reason) ?? (data.abort_requested ? str(data.reason) : null);
    next.failedStep = str(data.failed_step);
    next.error = str(data.error);
    next.abortRequested = data.abort_requested === true || next.abortRequested;
    this.#next = next;
    if (next.status !== null && endStatuses.has(next.status) && next.status !== 'completed') {
      // A step under way when the run stopped did not finish.
      for (const [path, step] of this.#steps)
        if (step.state === 'running') this.#steps.set(path, { ...step, state: 'stopped' });
    }
    this.#flush();
  }

  #stepStarted(data: Payload): void {
    const path = str(data.path);
    if (!path) return;
    const before = this.#steps.get(path);
    this.#steps.set(path, { state: 'running', starts: (before?.starts ?? 0) + 1, outputs: before?.outputs });
  }

  #stepFinished(data: Payload): void {
    const path = str(data.path);
    if (!path) return;
    const before = this.#steps.get(path);
    const outputs =
      typeof data.outputs === 'object' && data.outputs !== null ? (data.outputs as Payload) : {};
    this.#steps.set(path, {
      state: data.status === 'skipped' ? 'skipped' : 'done',
      starts: Math.max(before?.starts ?? 0, 1),
      outputs,
    });
  }

  #data(data: Payload): void {
    const kind = str(data.kind);
    const at = str(data.at) ?? new Date().toISOString();
    const t = Date.parse(at) / 1000;
    if (kind === 'spectrum') {
      const max = num(data.max);
      if (max !== null) this.#reading({ t, series: 'Peak intensity (counts)', value: max });
      const values = Array.isArray(data.values) ? (data.values as number[]) : null;
      if (values) {
        const frame: SpectrumFrame = {
          seq: num(data.data_seq) ?? 0,
          values,
          startNm: num(data.start_nm) ?? 0,
          stepNm: num(data.step_nm) ?? 1,
          at,
        };
        this.latestSpectrum = frame;
        this.spectraReceived += 1;
        for (const listener of this.#spectrumListeners) listener(frame);
      }
    } else if (kind === 'readings') {
      const mean = num(data.mean);
      const unit = str(data.unit);
      const step = str(data.step_id) ?? 'reading';
      if (mean !== null) this.#reading({ t, series: unit ? `${step} (${unit})` : step, value: mean });
    }
  }

  #reading(point: ReadingPoint): void {
    this.readings.push(point);
    if (this.readings.length > maxReadings) this.readings.splice(0, this.readings.length - maxReadings);
    for (const listener of this.#readingListeners) listener(point);
  }

  #schedule(): void {
    this.#flushTimer ??= setTimeout(() => this.#flush(), flushMs);
  }

  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#snapshot = { ...this.#next, steps: new Map(this.#steps) };
    this.#next = this.#snapshot;
    for (const listener of this.#listeners) listener();
  }

  /** The page stopped following: no batched update is left pending. */
  dispose(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
  }
}
