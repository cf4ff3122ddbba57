import { ConflictError, NotFoundError, ValidationError } from '@ours/platform/errors';
import type { Cursor } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { Principal } from '../access/index.ts';
import { type AuditActor, canonicalSha256 } from '../audit/index.ts';
import { logRunUsage, usableDevice } from '../devices/devices.service.ts';
import { driverNamed } from '../instruments/index.ts';
import { oneSample } from '../samples/samples.service.ts';
import { isUniqueViolation } from '../shared/db-errors.ts';
import { isJsonObject } from '../shared/free-json.ts';
import { isUuid } from '../shared/uuid.ts';
import { inLabs, readInLabs } from '../sites/index.ts';
import { runnableVersion } from '../workflows/workflows.service.ts';
import { downsample, unpackValues } from './run-data.ts';
import { runParameters } from './run-parameters.ts';
import { announceState } from './run-transitions.ts';
import {
  assignSamples,
  dataOf,
  devicesOfRun,
  insertRun,
  insertSnapshot,
  listRuns,
  type RunRow,
  type RunStatus,
  reserveDevices,
  runById,
  runsOfSample,
  samplesOfRun,
  snapshotById,
  stepsOf,
} from './runs.repository.ts';

type Json = Record<string, unknown>;

export interface NewRunInput {
  workflow: string;
  version?: number | undefined;
  parameters?: Json | undefined;
  devices: Record<string, string>;
  samples?: string[] | undefined;
  reason?: string | undefined;
  lab_id?: string | undefined;
}

const softwareVersion = '0.1.0';

/** Each role bound to a usable device of its kind in the workflow's lab, for the snapshot. */
async function boundDevices(
  ctx: LabContext,
  tx: LabExecutor,
  definition: Json,
  labId: string,
  given: Record<string, string>,
) {
  const roles = isJsonObject(definition.devices) ? definition.devices : {};
  for (const role of Object.keys(given)) {
    if (!Object.hasOwn(roles, role))
      throw new ValidationError('unknown_role', `The workflow has no device role ${role}`);
  }
  const bound: Record<string, Json & { id: string }> = {};
  for (const [role, spec] of Object.entries(roles)) {
    const key = given[role];
    if (key === undefined) throw new ValidationError('missing_device', `Bind a device to the role ${role}`);
    const device = await usableDevice(tx, key, ctx.now());
    if (device.lab_id !== labId)
      throw new NotFoundError('device_not_found', `There is no device ${key} in the workflow's lab`);
    const driver = device.driver ? driverNamed(device.driver) : undefined;
    const kind = isJsonObject(spec) ? String(spec.kind) : '';
    if (!driver)
      throw new ConflictError(
        'device_without_driver',
        `Device ${device.device_id} has no driver to run it with`,
      );
    if (driver.kind !== kind) {
      throw new ConflictError(
        'wrong_device_kind',
        `Role ${role} needs a ${kind}; ${device.device_id} is a ${driver.kind}`,
      );
    }
    bound[role] = {
      id: device.id,
      device_id: device.device_id,
      name: device.name,
      hub_id: device.hub_id,
      driver: driver.name,
      driver_settings: device.driver_settings,
      kind,
      calibration: {
        state: device.calibration_state,
        last_calibrated_at: device.last_calibrated_at,
        next_calibration_due: device.next_calibration_due,
      },
    };
  }
  return bound;
}

/**
 * Creates a run of an approved workflow version: parameters checked, each role bound to a usable
 * device of its kind and reserved (409 device_busy), an immutable configuration snapshot stored
 * with its hash, samples linked, a logbook entry per device; all audited, in one transaction. The
 * caller starts it (see RunSupervisor).
 */
export function createRun(
  ctx: LabContext,
  caller: Principal,
  input: NewRunInput,
  actor: AuditActor,
): Promise<RunRow> {
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const { workflow, version } = await runnableVersion(tx, input.workflow, input.version, input.lab_id);
    const definition = version.definition;
    const parameters = runParameters(definition, input.parameters ?? {});
    const devices = await boundDevices(ctx, tx, definition, workflow.lab_id, input.devices);
    const snapshot = {
      workflow: {
        name: workflow.name,
        version: version.version,
        version_id: version.id,
        definition_hash: version.definition_hash,
      },
      parameters,
      devices,
      software: { service: 'lab', version: softwareVersion },
      interlocks: { poll_ms: ctx.config.runs.interlockPollMs, fail_safe: true },
    };
    const stored = await insertSnapshot(tx, {
      lab_id: workflow.lab_id,
      snapshot,
      snapshot_hash: canonicalSha256(snapshot),
    });
    const run = await insertRun(tx, {
      lab_id: workflow.lab_id,
      workflow_version_id: version.id,
      config_snapshot_id: stored.id,
      parameters,
      operator_id: caller.id,
      reason: input.reason ?? null,
    });
    await reserveDevices(
      tx,
      run.id,
      run.lab_id,
      Object.entries(devices).map(([role, device]) => ({ role, device_id: device.id })),
    ).catch((error: unknown) => {
      if (isUniqueViolation(error))
        throw new ConflictError('device_busy', 'A device of this run is in use by another run');
      throw error;
    });
    const samples = [];
    for (const key of new Set(input.samples ?? [])) {
      const sample = await oneSample(tx, key);
      if (sample.lab_id !== run.lab_id)
        throw new NotFoundError('sample_not_found', `There is no sample ${key} in the run's lab`);
      samples.push(sample.id);
    }
    await assignSamples(tx, run.id, run.lab_id, samples);
    for (const device of Object.values(devices)) {
      await logRunUsage(
        ctx,
        tx,
        { id: device.id, lab_id: run.lab_id },
        { used_by: caller.id, purpose: `workflow ${workflow.name} v${version.version}`, run_ref: run.id },
        actor,
      );
    }
    await ctx.audit.appendMany(tx, [
      {
        ...actor,
        action: 'config_snapshot.create',
        entity_type: 'config_snapshot',
        entity_id: stored.id,
        before: null,
        after: { id: stored.id, snapshot_hash: stored.snapshot_hash, run_id: run.id },
        reason: null,
      },
      {
        ...actor,
        action: 'run.create',
        entity_type: 'run',
        entity_id: run.id,
        before: null,
        after: {
          id: run.id,
          workflow: workflow.name,
          version: version.version,
          config_snapshot_id: stored.id,
          snapshot_hash: stored.snapshot_hash,
          parameters,
          devices: Object.fromEntries(Object.entries(devices).map(([role, device]) => [role, device.id])),
          samples,
        },
        reason: input.reason ?? null,
      },
    ]);
    await announceState(tx, run, null);
    return run;
  });
}

/** A run of the caller's labs, or 404 run_not_found. */
export async function visibleRun(ctx: LabContext, caller: Principal, id: string): Promise<RunRow> {
  const run = isUuid(id) ? await runById(readInLabs(ctx.db, caller.lab_ids), id) : undefined;
  if (!run) throw new NotFoundError('run_not_found', `There is no run ${id}`);
  return run;
}

/** A run with its workflow, snapshot hash, devices, samples and finished steps. */
export async function getRun(ctx: LabContext, caller: Principal, id: string) {
  const scope = readInLabs(ctx.db, caller.lab_ids);
  const run = await visibleRun(ctx, caller, id);
  const [snapshot, devices, samples, steps] = await Promise.all([
    snapshotById(scope, run.config_snapshot_id),
    devicesOfRun(scope, run.id),
    samplesOfRun(scope, run.id),
    stepsOf(scope, run.id),
  ]);
  const workflow = isJsonObject(snapshot?.snapshot.workflow) ? snapshot.snapshot.workflow : {};
  return {
    ...run,
    workflow: String(workflow.name ?? ''),
    version: Number(workflow.version ?? 0),
    snapshot_hash: snapshot?.snapshot_hash ?? '',
    devices,
    samples,
    steps,
  };
}

export function findRuns(
  ctx: LabContext,
  caller: Principal,
  filter: { lab_id?: string | undefined; status?: RunStatus | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<RunRow[]> {
  return listRuns(readInLabs(ctx.db, caller.lab_ids), filter, cursor, limit);
}

/** Traceability: every run a sample (uuid or business id) went through, with snapshot hashes. */
export async function sampleRuns(ctx: LabContext, caller: Principal, key: string) {
  const scope = readInLabs(ctx.db, caller.lab_ids);
  const sample = await oneSample(scope, key);
  return { sample_id: sample.sample_id, id: sample.id, runs: await runsOfSample(scope, sample.id) };
}

export interface DataQuery {
  step?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  max_points?: number | undefined;
  after_seq?: number | undefined;
  limit?: number | undefined;
}

/** A run's data frames (spectra, readings) unpacked, each downsampled to `max_points` when asked. */
export async function runData(ctx: LabContext, caller: Principal, id: string, query: DataQuery) {
  const scope = readInLabs(ctx.db, caller.lab_ids);
  const run = isUuid(id) ? await runById(scope, id) : undefined;
  if (!run) throw new NotFoundError('run_not_found', `There is no run ${id}`);
  const limit = query.limit ?? 100;
  const rows = await dataOf(scope, run.id, { ...query, afterSeq: query.after_seq ?? 0, limit: limit + 1 });
  const frames = rows.slice(0, limit).map((row) => {
    const values = unpackValues(row.vals);
    const shown = downsample(values, query.max_points ?? values.length, row);
    return {
      seq: row.seq,
      step_id: row.step_id,
      step_seq: row.step_seq,
      kind: row.kind,
      captured_at: row.captured_at,
      unit: row.unit,
      points: row.points,
      start_nm: shown.start_nm,
      step_nm: shown.step_nm,
      values: shown.values,
    };
  });
  return {
    run_id: run.id,
    frames,
    next_after_seq: rows.length > limit ? (frames.at(-1)?.seq ?? null) : null,
  };
}
