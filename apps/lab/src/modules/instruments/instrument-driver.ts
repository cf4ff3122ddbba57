import type { TSchema } from 'typebox';
import type { InstrumentKindName } from './instrument-kinds.ts';

/** A value an action returns, read by workflow expressions as `steps.<id>.<output>`. */
export type OutputValue = number | boolean | string;

/** Bulk data an action produced, stored compactly beside the step's result (not one row a point). */
export type ActionData =
  | { kind: 'spectrum'; start_nm: number; step_nm: number; intensities: number[] }
  | { kind: 'readings'; unit: string; values: number[] };

export interface ActionResult {
  outputs: Record<string, OutputValue>;
  data?: ActionData;
}

/** The safety inputs of an instrument that has them (a DAQ's lines 0 and 1, active-low). */
export interface InterlockReading {
  /** Each interlock line by name, true when safe. */
  lines: Record<string, boolean>;
}

/**
 * A connected device. Every call may be cancelled with its signal (an abort, an interlock trip, a
 * timeout): the driver stops what it is doing and throws the signal's reason.
 */
export interface InstrumentSession {
  perform(action: string, args: Record<string, OutputValue>, signal: AbortSignal): Promise<ActionResult>;
  /** Drives every output to the kind's safe state; never throws for a device that answers. */
  safeState(): Promise<void>;
  /** The interlock lines, for a kind that has them. */
  readInterlocks?(): Promise<InterlockReading>;
}

/** A driver: which kind of instrument it speaks for, its settings, and how to reach a device. */
export interface InstrumentDriver {
  name: string;
  kind: InstrumentKindName;
  description: string;
  simulated: boolean;
  /** Settings a device using this driver stores (validated when the device is saved). */
  settings: TSchema;
  /** A session with one device (`deviceId`: its uuid), configured by its stored settings. */
  connect(deviceId: string, settings: Record<string, unknown>): InstrumentSession;
}
