import { ConflictError, NotFoundError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { AuditActor } from '../audit/index.ts';
import { inLabs } from '../sites/index.ts';
import { runRecordDigest } from './run-digest.ts';
import type { RunOutcome } from './run-engine.ts';
import { appendRunEvents } from './run-events.repository.ts';
import { type RunRow, type RunStatus, releaseDevices, runById, updateRun } from './runs.repository.ts';

export const systemActor: AuditActor = {
  actor_id: null,
  actor_email: 'system:runs',
  request_id: null,
  client_ip: null,
};
export const finalStatuses: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'aborted']);

const recorded = ['status', 'failed_step', 'error', 'abort_reason', 'aborted_by', 'waiting_step'] as const;
const fieldsOf = (run: RunRow) => Object.fromEntries(recorded.map((field) => [field, run[field]]));

/** The live event that tells subscribers a run's state changed (in the transaction that changed it). */
export function announceState(
  tx: LabExecutor,
  run: RunRow,
  from: RunStatus | null,
  extra: Record<string, unknown> = {},
): Promise<void> {
  return appendRunEvents(tx, run.id, run.lab_id, [
    { type: 'state', payload: { ...fieldsOf(run), from, ...extra } },
  ]);
}

/**
 * Moves a run from one of `from` to `to` with its audit entry and live event, or answers 409
 * invalid_run_transition.
 */
export async function transitionRun(
  ctx: LabContext,
  tx: LabExecutor,
  runId: string,
  from: readonly RunStatus[],
  to: RunStatus,
  actor: AuditActor,
  extra: Parameters<typeof updateRun>[2] = {},
  reason: string | null = null,
): Promise<RunRow> {
  const run = await runById(tx, runId, { lock: true });
  if (!run) throw new NotFoundError('run_not_found', `There is no run ${runId}`);
  if (!from.includes(run.status)) {
    throw new ConflictError('invalid_run_transition', `The run is ${run.status}; it cannot become ${to}`, {
      from: run.status,
      to,
    });
  }
  const updated = await updateRun(tx, runId, { ...extra, status: to });
  await ctx.audit.append(tx, {
    ...actor,
    action: `run.${to}`,
    entity_type: 'run',
    entity_id: runId,
    before: fieldsOf(run),
    after: fieldsOf(updated),
    reason,
  });
  await announceState(tx, updated, run.status, reason === null ? {} : { reason });
  return updated;
}

/**
 * Records how a run ended (its devices released, the closing entry hashing its step records and
 * data), unless it already ended or another instance took it as orphaned meanwhile: that record stands.
 */
export function finishRun(
  ctx: LabContext,
  runId: string,
  labIds: readonly string[],
  outcome: RunOutcome,
): Promise<void> {
  return inLabs(ctx.db, labIds, async (tx) => {
    const run = await runById(tx, runId, { lock: true });
    if (!run || finalStatuses.has(run.status) || run.status === 'interrupted') return;
    const summary = await runRecordDigest(tx, runId);
    const changes =
      outcome.status === 'failed'
        ? { failed_step: outcome.step, error: outcome.error }
        : outcome.status === 'aborted'
          ? { abort_reason: run.abort_reason ?? outcome.reason }
          : {};
    const updated = await updateRun(tx, runId, {
      ...changes,
      status: outcome.status,
      finished_at: ctx.now().toISOString(),
      waiting_step: null,
    });
    await releaseDevices(tx, runId);
    await ctx.audit.append(tx, {
      ...systemActor,
      action: `run.${outcome.status}`,
      entity_type: 'run',
      entity_id: runId,
      before: { status: run.status },
      after: { status: updated.status, failed_step: updated.failed_step, error: updated.error, ...summary },
      reason: updated.abort_reason,
    });
    await announceState(tx, updated, run.status);
  });
}
