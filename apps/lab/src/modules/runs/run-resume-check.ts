import { AppError, ConflictError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import { canonicalSha256 } from '../audit/index.ts';
import { usableDevice } from '../devices/devices.service.ts';
import { isJsonObject } from '../shared/free-json.ts';
import { versionRecord } from '../workflows/workflows.service.ts';
import { unpackValues } from './run-data.ts';
import type { RunSetup } from './run-engine.ts';
import { actionDataOf } from './run-step-recorder.ts';
import { lastDataFrames, type RunRow, snapshotById, stepsOf } from './runs.repository.ts';

interface Problem {
  code: string;
  message: string;
  role?: string;
}

/**
 * Whether what an interrupted run's snapshot recorded still holds: its workflow version approved and
 * unretired, and each bound device still usable (in service, calibration in date) with the same
 * driver and settings. Answers 409 `snapshot_no_longer_holds` listing every difference.
 */
export async function assertSnapshotHolds(ctx: LabContext, tx: LabExecutor, run: RunRow): Promise<void> {
  const problems: Problem[] = [];
  const version = await versionRecord(tx, run.workflow_version_id);
  if (version?.status !== 'approved') {
    problems.push({
      code: 'version_not_runnable',
      message: `The workflow version is ${version?.status ?? 'gone'}: only approved, unretired versions run`,
    });
  }
  const snapshot = await snapshotById(tx, run.config_snapshot_id);
  const devices = isJsonObject(snapshot?.snapshot.devices) ? snapshot.snapshot.devices : {};
  for (const [role, bound] of Object.entries(devices)) {
    if (!isJsonObject(bound)) continue;
    try {
      const device = await usableDevice(tx, String(bound.id), ctx.now());
      if (device.driver !== bound.driver) {
        problems.push({
          role,
          code: 'driver_changed',
          message: `Device ${device.device_id} now has the driver ${device.driver ?? 'none'}, not ${String(bound.driver)}`,
        });
      } else if (
        canonicalSha256(device.driver_settings ?? {}) !==
        canonicalSha256(isJsonObject(bound.driver_settings) ? bound.driver_settings : {})
      ) {
        problems.push({
          role,
          code: 'driver_settings_changed',
          message: `The driver settings of device ${device.device_id} changed since the run started`,
        });
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.push({ role, code: error.code, message: error.message });
    }
  }
  if (problems.length > 0) {
    throw new ConflictError(
      'snapshot_no_longer_holds',
      `The run cannot resume: ${problems.map((problem) => problem.message).join('; ')}`,
      { problems },
    );
  }
}

/**
 * Where an interrupted run picks up: the top-level steps it finished (not run again), every finished
 * step's outputs (expressions read them), and each step's last data frame (analyze steps read them).
 */
export async function resumePoint(
  tx: LabExecutor,
  runId: string,
): Promise<{ resume: NonNullable<RunSetup['resume']>; stepSeq: number; dataSeq: number }> {
  const steps = await stepsOf(tx, runId);
  const finished = new Set<string>();
  const outputs: Record<string, Record<string, unknown>> = {};
  for (const step of steps) {
    if (step.status === 'completed') outputs[step.step_id] = step.outputs;
    if (/^\/steps\/\d+$/.test(step.path)) finished.add(step.step_id);
  }
  const frames = await lastDataFrames(tx, runId);
  const data = new Map(
    frames.map((frame) => [frame.step_id, actionDataOf({ ...frame, values: unpackValues(frame.vals) })]),
  );
  return {
    resume: { finished, outputs, data },
    stepSeq: steps.at(-1)?.seq ?? 0,
    dataSeq: frames.reduce((max, frame) => Math.max(max, frame.seq), 0),
  };
}
