import { ConflictError, NotFoundError, ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { driverNamed, driverSettingsProblems } from '../instruments/index.ts';
import { oneSample } from '../samples/samples.service.ts';
import { changedFields } from '../shared/changed-fields.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../shared/db-errors.ts';
import { inLabs, readInLabs, targetLab } from '../sites/index.ts';
import { assertDeviceUsable, deviceView, oneDevice } from './device-status.ts';
import {
  type DeviceChanges,
  type DeviceRow,
  insertDevice,
  insertUsage,
  type UsageRow,
  updateDevice,
} from './devices.repository.ts';

export interface NewDeviceInput {
  device_id: string;
  name: string;
  device_type: string;
  calibration_interval_days: number;
  vendor?: string | undefined;
  model?: string | undefined;
  serial_number?: string | undefined;
  hub_id?: string | undefined;
  lab_id?: string | undefined;
  in_service?: boolean | undefined;
  health_score?: number | undefined;
  driver?: string | null | undefined;
  driver_settings?: Record<string, unknown> | undefined;
}

/** Maps reference and uniqueness failures from the database to 4xx answers. */
function explainWriteError(error: unknown): never {
  if (isUniqueViolation(error))
    throw new ConflictError('device_exists', 'A device with that id already exists');
  if (isForeignKeyViolation(error))
    throw new NotFoundError('hub_not_found', 'There is no such hub in that lab');
  throw error;
}

/** What a change may set (never the calibration status: entries set that). */
const deviceFields: (keyof DeviceChanges)[] = [
  'name',
  'vendor',
  'model',
  'serial_number',
  'device_type',
  'hub_id',
  'calibration_interval_days',
  'in_service',
  'health_score',
  'driver',
  'driver_settings',
];

/** What the trail keeps of a device (no timestamps: the entry has its own). */
function auditView(device: DeviceRow) {
  const { created_at: _c, updated_at: _u, created_by: _b, ...rest } = device;
  return rest;
}

/**
 * The driver and settings a device ends up with, checked against the driver's schema (400
 * `unknown_driver`, `invalid_driver_settings`). Settings without a driver are refused; dropping the
 * driver drops its settings.
 */
function checkedDriver(driver: string | null, settings: Record<string, unknown>) {
  if (driver === null) {
    if (Object.keys(settings).length > 0) {
      throw new ValidationError('invalid_driver_settings', 'Settings need a driver: set driver too');
    }
    return { driver: null, driver_settings: {} };
  }
  if (!driverNamed(driver)) {
    throw new ValidationError(
      'unknown_driver',
      `There is no driver ${driver} (GET /api/instruments/drivers)`,
    );
  }
  const problems = driverSettingsProblems(driver, settings);
  if (problems.length > 0) {
    throw new ValidationError(
      'invalid_driver_settings',
      `The settings do not suit ${driver}: ${problems.join('; ')}`,
      problems,
    );
  }
  return { driver, driver_settings: settings };
}

/** Registers a device in one of the caller's labs (never calibrated yet, so not usable). */
export function createDevice(ctx: LabContext, caller: Principal, input: NewDeviceInput, actor: AuditActor) {
  const labId = targetLab(caller.lab_ids, input.lab_id);
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const device = await insertDevice(tx, {
      lab_id: labId,
      device_id: input.device_id,
      name: input.name.trim(),
      vendor: input.vendor?.trim() ?? '',
      model: input.model?.trim() ?? '',
      serial_number: input.serial_number?.trim() ?? '',
      device_type: input.device_type.trim(),
      hub_id: input.hub_id ?? null,
      calibration_interval_days: input.calibration_interval_days,
      in_service: input.in_service ?? true,
      health_score: input.health_score ?? null,
      ...checkedDriver(input.driver ?? null, input.driver_settings ?? {}),
      created_by: caller.id,
    }).catch(explainWriteError);
    await ctx.audit.append(tx, {
      ...actor,
      action: 'device.create',
      entity_type: 'device',
      entity_id: device.id,
      before: null,
      after: auditView(device),
      reason: null,
    });
    return deviceView(device, ctx.now());
  });
}

/**
 * Changes a device's description, hub, interval or service status, with a reason. The calibration
 * status is not editable here: it follows calibration entries only. A new interval applies to
 * calibrations recorded from now on; it does not move a due date already set.
 */
export function changeDevice(
  ctx: LabContext,
  caller: Principal,
  key: string,
  changes: DeviceChanges & { reason: string },
  actor: AuditActor,
) {
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const device = await oneDevice(tx, key, 'update');
    const { reason, ...fields } = changes;
    // Left out (undefined) is unchanged; text is stored trimmed.
    const wanted: DeviceChanges = {
      ...fields,
      name: fields.name?.trim(),
      vendor: fields.vendor?.trim(),
      model: fields.model?.trim(),
      serial_number: fields.serial_number?.trim(),
      device_type: fields.device_type?.trim(),
    };
    if (fields.driver !== undefined || fields.driver_settings !== undefined) {
      // A new driver starts from its own settings; new settings are checked against the driver kept.
      const driver = fields.driver === undefined ? device.driver : fields.driver;
      const settings = fields.driver_settings ?? (fields.driver === undefined ? device.driver_settings : {});
      Object.assign(wanted, checkedDriver(driver, settings));
    }
    const updated = await updateDevice(tx, device.id, wanted, caller.id).catch(explainWriteError);
    const changing = deviceFields.filter((field) => wanted[field] !== undefined);
    const diff = changedFields(device, updated, changing);
    if (diff) {
      await ctx.audit.append(tx, {
        ...actor,
        action: 'device.update',
        entity_type: 'device',
        entity_id: device.id,
        ...diff,
        reason,
      });
    }
    return deviceView(updated, ctx.now());
  });
}

/** Reads one device with its state now. */
export async function getDevice(ctx: LabContext, caller: Principal, key: string) {
  return deviceView(await oneDevice(readInLabs(ctx.db, caller.lab_ids), key), ctx.now());
}

export interface UsageInput {
  purpose: string;
  sample_id?: string | undefined;
  run_ref?: string | undefined;
}

/**
 * Records a use of a device in its logbook, only if the device may be used now (in service,
 * calibration valid): otherwise 409 and nothing is written.
 */
export function useDevice(
  ctx: LabContext,
  caller: Principal,
  key: string,
  input: UsageInput,
  actor: AuditActor,
): Promise<UsageRow> {
  const now = ctx.now();
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const device = await assertDeviceUsable(tx, key, now);
    let sampleId: string | null = null;
    if (input.sample_id !== undefined) {
      // Locked, so a soft delete cannot slip in between this check and the logbook row.
      const sample = await oneSample(tx, input.sample_id, { lock: true });
      if (sample.lab_id !== device.lab_id || sample.deleted_at) {
        throw new NotFoundError(
          'sample_not_found',
          `There is no sample ${input.sample_id} in the device's lab`,
        );
      }
      sampleId = sample.id;
    }
    return recordUsage(
      ctx,
      tx,
      {
        lab_id: device.lab_id,
        device_id: device.id,
        used_by: caller.id,
        used_at: now.toISOString(),
        purpose: input.purpose.trim(),
        sample_id: sampleId,
        run_ref: input.run_ref ?? null,
      },
      actor,
    );
  });
}

/** A logbook entry and its audit entry, in the caller's transaction. */
async function recordUsage(
  ctx: LabContext,
  tx: LabExecutor,
  entry: Parameters<typeof insertUsage>[1],
  actor: AuditActor,
): Promise<UsageRow> {
  const usage = await insertUsage(tx, entry);
  const { used_by_email: _e, ...recorded } = usage;
  await ctx.audit.append(tx, {
    ...actor,
    action: 'device.use',
    entity_type: 'device',
    entity_id: entry.device_id,
    before: null,
    after: recorded,
    reason: null,
  });
  return usage;
}

/**
 * A device a workflow run binds (inside the run's transaction): usable now (409 as for a logbook
 * entry otherwise), shown with its calibration state for the run's configuration snapshot.
 */
export async function usableDevice(tx: LabExecutor, key: string, now: Date) {
  return deviceView(await assertDeviceUsable(tx, key, now), now);
}

/** Writes a logbook entry for a run's use of a device, audited, in the caller's transaction. */
export async function logRunUsage(
  ctx: LabContext,
  tx: LabExecutor,
  device: { id: string; lab_id: string },
  use: { used_by: string; purpose: string; run_ref: string },
  actor: AuditActor,
): Promise<void> {
  await recordUsage(
    ctx,
    tx,
    {
      lab_id: device.lab_id,
      device_id: device.id,
      used_by: use.used_by,
      used_at: ctx.now().toISOString(),
      purpose: use.purpose,
      sample_id: null,
      run_ref: use.run_ref,
    },
    actor,
  );
}
