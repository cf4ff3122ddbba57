/** Where a sample is in its life; the order is the usual direction of travel. */
export const sampleStatuses = ['received', 'in_storage', 'in_process', 'consumed', 'disposed'] as const;
export type SampleStatus = (typeof sampleStatuses)[number];

/**
 * The allowed moves. Storage and processing alternate; consumed and disposed are ends (a consumed
 * sample's container can still be disposed of). Anything else is refused with the allowed list.
 */
export const allowedTransitions: Record<SampleStatus, readonly SampleStatus[]> = {
  received: ['in_storage', 'in_process', 'consumed', 'disposed'],
  in_storage: ['in_process', 'consumed', 'disposed'],
  in_process: ['in_storage', 'consumed', 'disposed'],
  consumed: ['disposed'],
  disposed: [],
};

/** A new sample starts received or already stored. */
export const initialStatuses: readonly SampleStatus[] = ['received', 'in_storage'];

export function canMove(from: SampleStatus, to: SampleStatus): boolean {
  return from === to || allowedTransitions[from].includes(to);
}

/** A sample that can no longer give material (split, consume). */
export function isSpent(status: SampleStatus): boolean {
  return status === 'consumed' || status === 'disposed';
}
