import { Label, ProgressBar } from 'react-aria-components';
import { type StepSpec, stepAtPath } from './definition.ts';
import type { LiveSnapshot, StepProgress as Progress, StepState } from './live-run-store.ts';
import type { Run } from './run-status.ts';

type ShownState = StepState | 'waiting';

const badges: Record<ShownState, string> = {
  pending: 'badge',
  running: 'badge badge-info',
  waiting: 'badge badge-warn',
  done: 'badge badge-ok',
  skipped: 'badge',
  failed: 'badge badge-danger',
  stopped: 'badge badge-warn',
};
const labels: Record<ShownState, string> = {
  pending: 'pending',
  running: 'running',
  waiting: 'waiting for signature',
  done: 'done',
  skipped: 'skipped',
  failed: 'failed',
  stopped: 'stopped',
};

/** A step's state from the live events, or from the run's stored checkpoints when no event said. */
function progressOf(step: StepSpec, live: LiveSnapshot, run: Run): Progress | undefined {
  const fromEvents = live.steps.get(step.path);
  if (fromEvents) return fromEvents;
  const stored = run.steps.filter((record) => record.path === step.path);
  const last = stored.at(-1);
  if (!last) return undefined;
  return {
    state: last.status === 'skipped' ? 'skipped' : 'done',
    starts: stored.length,
    outputs: last.outputs,
  };
}

function stateOf(
  step: StepSpec,
  progress: Progress | undefined,
  live: LiveSnapshot,
  failed: StepSpec | undefined,
): ShownState {
  const status = live.status;
  if (failed?.path === step.path && status === 'failed') return 'failed';
  if (status === 'waiting_for_approval' && live.waitingStep === step.id) return 'waiting';
  return progress?.state ?? 'pending';
}

function detailOf(step: StepSpec, progress: Progress | undefined): string {
  const parts: string[] = [];
  if (step.role) parts.push(`${step.role}: ${step.action ?? ''}`.trim());
  if (step.approverRole) parts.push(`signed by ${step.approverRole}`);
  if (progress && progress.starts > 1) parts.push(`${progress.starts} passes`);
  const outputs = progress?.outputs ?? {};
  if (typeof outputs.ended_by === 'string') parts.push(`ended by ${outputs.ended_by}`);
  return parts.join(' · ');
}

/** The definition's steps with their state, and how far the run is through its top-level steps. */
export function StepProgress({
  steps,
  onAbort,
  live,
  run,
}: {
  steps: readonly StepSpec[];
  onAbort: readonly StepSpec[];
  live: LiveSnapshot;
  run: Run;
}) {
  const failed = stepAtPath([...steps, ...onAbort], live.failedStep ?? run.failed_step);
  const topLevel = steps.filter((step) => step.depth === 0);
  const finished = topLevel.filter((step) => {
    const state = progressOf(step, live, run)?.state;
    return state === 'done' || state === 'skipped';
  }).length;
  const rows = (list: readonly StepSpec[]) =>
    list.map((step) => {
      const progress = progressOf(step, live, run);
      const state = stateOf(step, progress, live, failed);
      const detail = detailOf(step, progress);
      return (
        <tr key={step.path} data-step={step.id} data-state={state}>
          <td>
            <div className="run-step-id" style={{ paddingLeft: `${step.depth * 1.25}rem` }}>
              {step.id}
              {detail && <span className="run-step-detail">{detail}</span>}
            </div>
          </td>
          <td>{step.type}</td>
          <td>
            <span className={badges[state]}>{labels[state]}</span>
          </td>
        </tr>
      );
    });
  return (
    <>
      <ProgressBar className="run-progress" value={finished} maxValue={Math.max(topLevel.length, 1)}>
        {({ percentage }) => (
          <>
            <Label>
              {finished} of {topLevel.length} steps done
            </Label>
            <div className="run-progress-track" aria-hidden="true">
              <div className="run-progress-fill" style={{ width: `${percentage ?? 0}%` }} />
            </div>
          </>
        )}
      </ProgressBar>
      <div className="table-wrap">
        <table className="data" aria-label="Steps">
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Type</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>{rows(steps)}</tbody>
          {onAbort.length > 0 && (
            <tbody>
              <tr>
                <th scope="colgroup" colSpan={3}>
                  On abort
                </th>
              </tr>
              {rows(onAbort)}
            </tbody>
          )}
        </table>
      </div>
    </>
  );
}
