import { NotFoundError, ValidationError } from '@ours/platform/errors';
import type { Cursor } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { inLabs, listInLabs, readInLabs } from '../sites/index.ts';
import {
  type CalibrationFilter,
  type CalibrationRow,
  calibrationById,
  dueDevices,
  insertCalibration,
  listCalibrations,
} from './calibration.repository.ts';
import { deviceView, oneDevice } from './device-status.ts';
import { applyCalibration, type DeviceRow } from './devices.repository.ts';

const dayMs = 86_400_000;
// Instrument PCs and tablets drift: a time this little ahead of the server is taken as "now".
const clockSkewMs = 60_000;

export interface NewCalibrationInput {
  device_id: string;
  result: 'pass' | 'fail';
  performed_at?: string | undefined;
  next_due_at?: string | undefined;
  notes?: string | undefined;
}

/** When the entry falls due: as given, or performed_at plus the device's interval (24-hour days). */
function nextDue(input: NewCalibrationInput, performedAt: Date, device: DeviceRow) {
  if (input.result === 'fail') {
    if (input.next_due_at !== undefined) {
      throw new ValidationError(
        'next_due_on_failure',
        'A failed calibration has no next due date: the device needs calibrating before use',
      );
    }
    return { next_due_at: null, next_due_computed: false };
  }
  if (input.next_due_at === undefined) {
    const due = new Date(performedAt.getTime() + device.calibration_interval_days * dayMs);
    return { next_due_at: due.toISOString(), next_due_computed: true };
  }
  if (Date.parse(input.next_due_at) <= performedAt.getTime()) {
    throw new ValidationError('next_due_not_after_performed', 'next_due_at must be after performed_at');
  }
  return { next_due_at: input.next_due_at, next_due_computed: false };
}

const statusOf = (device: DeviceRow) => ({
  last_calibration_id: device.last_calibration_id,
  last_calibrated_at: device.last_calibrated_at,
  last_calibration_result: device.last_calibration_result,
  next_calibration_due: device.next_calibration_due,
});

/**
 * Appends a calibration entry (performed by the caller, never in the future) and, in the same
 * transaction, makes it the device's status unless an entry performed later already governs it:
 * a back-dated entry is recorded but never overwrites newer status. Entries are append-only;
 * a correction is a new entry.
 */
export function recordCalibration(
  ctx: LabContext,
  caller: Principal,
  input: NewCalibrationInput,
  actor: AuditActor,
): Promise<CalibrationRow> {
  const now = ctx.now();
  const claimed = input.performed_at === undefined ? now : new Date(input.performed_at);
  if (claimed.getTime() > now.getTime() + clockSkewMs) {
    throw new ValidationError('performed_in_future', 'performed_at is in the future', {
      performed_at: input.performed_at,
      now: now.toISOString(),
    });
  }
  // The skew allowance accepts a client clock running slightly fast, but never stores a future time:
  // a pass stamped ahead would outrank a fail recorded right after it and keep the device usable.
  const performedAt = claimed.getTime() > now.getTime() ? now : claimed;
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    // Locked first: concurrent entries for one device apply their status one after the other.
    const device = await oneDevice(tx, input.device_id, 'update');
    const stored = await insertCalibration(tx, {
      lab_id: device.lab_id,
      device_id: device.id,
      performed_by: caller.id,
      performed_at: performedAt.toISOString(),
      result: input.result,
      ...nextDue(input, performedAt, device),
      notes: input.notes ?? '',
    });
    const updated = await applyCalibration(tx, stored);
    const id = stored.id;
    // Shown as `calibrationById` would read it back: a new entry has no certificates yet.
    const view: CalibrationRow = {
      ...stored,
      device_business_id: device.device_id,
      performed_by_email: caller.email,
      governs_status: updated !== undefined,
      certificates: [],
    };
    const { certificates: _c, created_at: _t, governs_status: _g, ...recorded } = view;
    const entry = {
      ...actor,
      action: 'calibration.create',
      entity_type: 'calibration',
      entity_id: id,
      before: null,
      after: { ...recorded, device_status_updated: updated !== undefined },
      reason: null,
    };
    const status = updated && {
      ...actor,
      action: 'device.calibration_status',
      entity_type: 'device',
      entity_id: device.id,
      before: statusOf(device),
      after: statusOf(updated),
      reason: `calibration ${id}`,
    };
    await ctx.audit.appendMany(tx, status ? [entry, status] : [entry]);
    return view;
  });
}

/** One entry with its certificates, or a 404 (another lab's entries are invisible). */
export async function getCalibration(
  ctx: LabContext,
  caller: Principal,
  id: string,
): Promise<CalibrationRow> {
  const entry = await calibrationById(readInLabs(ctx.db, caller.lab_ids), id);
  if (!entry) throw new NotFoundError('calibration_not_found', `There is no calibration entry ${id}`);
  return entry;
}

/** A page of entries; a device filter may name the device by uuid or business id. */
export function findCalibrations(
  ctx: LabContext,
  caller: Principal,
  filter: CalibrationFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<CalibrationRow[]> {
  return listInLabs(ctx.db, caller.lab_ids, filter, async (tx, scoped) => {
    const deviceId = scoped.device_id === undefined ? undefined : (await oneDevice(tx, scoped.device_id)).id;
    return listCalibrations(tx, { ...scoped, device_id: deviceId }, cursor, limit);
  });
}

/** The upcoming or overdue list, in one shape for both. */
export async function dueList(
  ctx: LabContext,
  caller: Principal,
  which: { kind: 'upcoming'; days: number } | { kind: 'overdue' },
  labId: string | undefined,
) {
  const now = ctx.now();
  const devices = await dueDevices(readInLabs(ctx.db, caller.lab_ids), which, now, labId);
  const items = devices.map((device) => ({
    ...deviceView(device, now),
    days_until_due:
      device.next_calibration_due === null
        ? null
        : Math.floor((Date.parse(device.next_calibration_due) - now.getTime()) / dayMs),
  }));
  return { as_of: now.toISOString(), count: items.length, items };
}
