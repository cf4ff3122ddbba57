import { InfoNotice } from '../../components/Notice.tsx';
import { type StepSpec, stepAtPath } from './definition.ts';
import type { RunStatus } from './run-status.ts';

/** How the run stands in words: paused, aborting, or how it ended (with the abort reason or error). */
export function RunOutcome({
  status,
  abortReason,
  abortRequested,
  failedStep,
  error,
  steps,
}: {
  status: RunStatus;
  abortReason: string | null;
  abortRequested: boolean;
  failedStep: string | null;
  error: string | null;
  steps: readonly StepSpec[];
}) {
  if (status === 'aborted') {
    return (
      <div className="notice notice-error" role="alert" data-testid="run-outcome">
        <strong>Aborted:</strong> {abortReason ?? 'no reason recorded'}. Its instruments were driven to their
        safe state.
      </div>
    );
  }
  if (status === 'failed') {
    const step = stepAtPath(steps, failedStep);
    return (
      <div className="notice notice-error" role="alert" data-testid="run-outcome">
        <strong>Failed</strong>
        {step ? ` at step ${step.id}` : ''}
        {failedStep ? ` (${failedStep})` : ''}: {error ?? 'no error recorded'}. Its instruments were left
        safe.
      </div>
    );
  }
  if (status === 'completed') return <InfoNotice tone="success">Completed: every step finished.</InfoNotice>;
  if (abortRequested)
    return (
      <InfoNotice tone="warning">
        Aborting{abortReason ? `: ${abortReason}` : ''}. The abort steps are running…
      </InfoNotice>
    );
  if (status === 'paused') return <InfoNotice tone="warning">Paused before its next step.</InfoNotice>;
  if (status === 'interrupted')
    return (
      <InfoNotice tone="warning">
        Interrupted: the server running it stopped. Its instruments were made safe; resume it or abort it.
      </InfoNotice>
    );
  return null;
}
