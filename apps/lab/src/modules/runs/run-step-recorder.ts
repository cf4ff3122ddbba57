import type { LabContext } from '../../context.ts';
import type { ActionData } from '../instruments/index.ts';
import { progressInLabs, readInLabs } from '../sites/index.ts';
import { stepTypeNames } from '../workflows/index.ts';
import { insertCheckpoint } from './run-checkpoint.repository.ts';
import { frameOf, packValues } from './run-data.ts';
import type { StepRef, StepResult } from './run-engine.ts';
import { appendRunEvents, type NewRunEvent } from './run-events.repository.ts';
import type { RunDataRow } from './runs.repository.ts';

const keyOf = (step: StepRef) => `${step.path}#${step.iterations.join('.')}`;

/** What a data event says about a frame (its values travel with the event, read from run_data). */
function frameSummary(frame: ReturnType<typeof frameOf>) {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let peak = 0;
  for (const [index, value] of frame.values.entries()) {
    if (value < min) min = value;
    if (value > max) {
      max = value;
      peak = index;
    }
    sum += value;
  }
  const points = frame.values.length;
  return {
    kind: frame.kind,
    points,
    unit: frame.unit,
    start_nm: frame.start_nm,
    step_nm: frame.step_nm,
    min: points ? min : null,
    max: points ? max : null,
    mean: points ? sum / points : null,
    peak_index: points ? peak : null,
    peak_nm: frame.start_nm === null || frame.step_nm === null ? null : frame.start_nm + peak * frame.step_nm,
  };
}

export interface StepRecorder {
  started(step: StepRef): Promise<void>;
  /** The step's checkpoint: its record, its data frame, and their live events, in one transaction. */
  finished(step: StepRef, result: StepResult): Promise<void>;
}

/**
 * Persists a run's steps as the engine finishes them, numbering step records and data frames on
 * from `from` (a resumed run continues its numbering).
 */
export function createStepRecorder(
  ctx: LabContext,
  run: { id: string; lab_id: string },
  labIds: readonly string[],
  from: { stepSeq: number; dataSeq: number },
): StepRecorder {
  let seq = from.stepSeq;
  let dataSeq = from.dataSeq;
  const startedAt = new Map<string, string>();
  return {
    async started(step) {
      startedAt.set(keyOf(step), ctx.now().toISOString());
      // One statement in one round trip, not waiting for the disk: live progress, not a record.
      await appendRunEvents(progressInLabs(ctx.db, labIds), run.id, run.lab_id, [
        {
          type: 'step_started',
          payload: { step_id: step.id, type: step.type, path: step.path, iterations: step.iterations },
        },
      ]);
    },
    async finished(step, result) {
      const type = stepTypeNames.find((name) => name === step.type);
      if (!type) throw new Error(`unknown step type ${step.type}`);
      seq += 1;
      const key = keyOf(step);
      const now = ctx.now().toISOString();
      const stepSeq = seq;
      const events: NewRunEvent[] = [
        {
          type: 'step_finished',
          payload: {
            step_id: step.id,
            type: step.type,
            path: step.path,
            iterations: step.iterations,
            step_seq: stepSeq,
            status: result.status,
            outputs: result.outputs,
          },
        },
      ];
      let data: RunDataRow | null = null;
      if (result.data) {
        // The step's bulk data beside it, packed (see run-data.ts).
        const frame = frameOf(result.data);
        dataSeq += 1;
        data = {
          run_id: run.id,
          lab_id: run.lab_id,
          seq: dataSeq,
          step_seq: stepSeq,
          step_id: step.id,
          kind: frame.kind,
          captured_at: now,
          start_nm: frame.start_nm,
          step_nm: frame.step_nm,
          unit: frame.unit,
          points: frame.values.length,
          vals: packValues(frame.values),
        };
        events.push({
          type: 'data',
          payload: { data_seq: dataSeq, step_id: step.id, step_seq: stepSeq, ...frameSummary(frame) },
        });
      }
      const began = startedAt.get(key) ?? now;
      startedAt.delete(key);
      // One statement, one round trip (see run-checkpoint.repository.ts).
      await insertCheckpoint(readInLabs(ctx.db, labIds), {
        step: {
          run_id: run.id,
          lab_id: run.lab_id,
          seq: stepSeq,
          step_id: step.id,
          step_type: type,
          path: step.path,
          iterations: step.iterations,
          status: result.status,
          outputs: result.outputs,
          started_at: began,
          finished_at: now,
        },
        data,
        events,
      });
    },
  };
}

/** A stored frame as the engine's data again (a resumed run's analyze steps read earlier data). */
export function actionDataOf(frame: {
  kind: 'spectrum' | 'readings';
  start_nm: number | null;
  step_nm: number | null;
  unit: string | null;
  values: number[];
}): ActionData {
  return frame.kind === 'spectrum'
    ? {
        kind: 'spectrum',
        start_nm: frame.start_nm ?? 0,
        step_nm: frame.step_nm ?? 0,
        intensities: frame.values,
      }
    : { kind: 'readings', unit: frame.unit ?? '', values: frame.values };
}
