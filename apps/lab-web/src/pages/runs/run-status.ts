import type { GetReply } from '../../api/types.ts';
import { readableCode } from '../../format/text.ts';

export type Run = GetReply<'/api/runs/{id}'>;
export type RunStatus = Run['status'];

/** Every state a run can be in, in the order of its life (for the status filter). */
export const runStatuses: readonly RunStatus[] = [
  'created',
  'running',
  'paused',
  'waiting_for_approval',
  'interrupted',
  'completed',
  'failed',
  'aborted',
];

export const endStatuses: ReadonlySet<string> = new Set(['completed', 'failed', 'aborted']);

export const statusLabel = readableCode;

/** The badge colour of a state: green done, red stopped, amber waiting on a person, blue under way. */
export function statusBadge(status: string): string {
  if (status === 'completed') return 'badge badge-ok';
  if (status === 'failed' || status === 'aborted') return 'badge badge-danger';
  if (status === 'paused' || status === 'waiting_for_approval' || status === 'interrupted')
    return 'badge badge-warn';
  if (status === 'running') return 'badge badge-info';
  return 'badge';
}

export const isRunStatus = (value: string | undefined): value is RunStatus =>
  runStatuses.some((status) => status === value);

/** A run's id as people read it in lists: the first block of its uuid. */
export const shortId = (id: string) => id.slice(0, 8);
