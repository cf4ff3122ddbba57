import { isJsonObject } from '../shared/free-json.ts';
import type { RunValue } from '../workflows/index.ts';

type Json = Record<string, unknown>;

/** A run's stored parameters as values (they were checked when the run was created). */
export function runValues(stored: unknown): Record<string, RunValue> {
  const values: Record<string, RunValue> = {};
  for (const [name, value] of Object.entries(isJsonObject(stored) ? stored : {})) {
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string')
      values[name] = value;
  }
  return values;
}

/** A run executing in this process: how to pause, resume and abort it. */
export interface ActiveRun {
  controller: AbortController;
  /** Set when the server stops: the run ends interrupted (resumable), not aborted. */
  interrupted: boolean;
  /** The hubs its instruments sit on: an interlock trip on a hub aborts every run there. */
  hubs: Set<string>;
  /** The run's lab, once loaded. */
  labId?: string | undefined;
  paused: boolean;
  resumed: (() => void)[];
  labIds: string[];
  finished: Promise<void>;
  /** The approval step the run waits on, and how to let it go on with the signature. */
  approval?:
    | { stepId: string; approverRole: string; meaning: string; signed: (outputs: Json) => void }
    | undefined;
}

/** Lets a paused run go on (its waiting steps resume). */
export function resumeAll(entry: ActiveRun): void {
  entry.paused = false;
  for (const resolve of entry.resumed.splice(0)) resolve();
}

/** The runs executing in this process, by id. */
export type ActiveRuns = Map<string, ActiveRun>;
