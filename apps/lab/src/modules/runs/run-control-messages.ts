import { sql } from 'kysely';
import type { LabExecutor } from '../../db/lab-database.ts';
import { isJsonObject } from '../shared/free-json.ts';

/**
 * What one instance tells the instance executing a run, through NOTIFY on `lab_run_control` at the
 * commit of the change: `sync` (its state or abort request changed in the database: read it), or an
 * approval step signed (with the signature, which the step records as its outputs).
 */
export type RunControlMessage =
  | { run_id: string; action: 'sync' }
  | { run_id: string; action: 'approved'; step_id: string; outputs: Record<string, unknown> };

export const runControlChannel = 'lab_run_control';

/** Sends `message` when the transaction commits (never if it rolls back). */
export async function notifyRunControl(tx: LabExecutor, message: RunControlMessage): Promise<void> {
  await sql`select pg_notify(${runControlChannel}, ${JSON.stringify(message)})`.execute(tx);
}

/** A control message from the wire, or undefined when it is not one. */
export function parseRunControl(payload: string): RunControlMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!isJsonObject(value) || typeof value.run_id !== 'string') return undefined;
  if (value.action === 'sync') return { run_id: value.run_id, action: 'sync' };
  if (value.action === 'approved' && typeof value.step_id === 'string' && isJsonObject(value.outputs)) {
    return { run_id: value.run_id, action: 'approved', step_id: value.step_id, outputs: value.outputs };
  }
  return undefined;
}
