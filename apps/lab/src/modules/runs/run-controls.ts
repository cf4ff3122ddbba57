import { ConflictError, ForbiddenError, NotFoundError } from '@ours/platform/errors';
import type { FastifyBaseLogger } from 'fastify';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { reauthenticateSigner, signatureMeanings, signInTransaction } from '../signatures/index.ts';
import { inLabs, readInLabs } from '../sites/index.ts';
import { stepWithId } from '../workflows/index.ts';
import { versionDefinition } from '../workflows/workflows.service.ts';
import { type ActiveRuns, resumeAll } from './active-runs.ts';
import { notifyRunControl, parseRunControl, runControlChannel } from './run-control-messages.ts';
import { sessionsOf } from './run-sessions.ts';
import { announceState, finalStatuses, transitionRun } from './run-transitions.ts';
import { type RunRow, releaseDevices, runById, runnerAlive, updateRun } from './runs.repository.ts';

export interface ApprovalProof {
  password: string;
  totp?: string | undefined;
  reason: string;
}

/** Starts an interrupted run again in this process (the supervisor's launch); resolves once it runs. */
type Relaunch = (
  runId: string,
  labIds: string[],
  resuming: { reason: string | null; actor: AuditActor },
) => Promise<unknown>;

export interface RunControls {
  pause(caller: Principal, runId: string, reason: string | null, actor: AuditActor): Promise<RunRow>;
  resume(caller: Principal, runId: string, reason: string | null, actor: AuditActor): Promise<RunRow>;
  abort(caller: Principal, runId: string, reason: string, actor: AuditActor): Promise<RunRow>;
  /** Signs the approval step the run waits on (after the signer re-authenticated); the run goes on. */
  approve(
    caller: Principal,
    runId: string,
    stepId: string,
    input: ApprovalProof,
    actor: AuditActor,
  ): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What a person asks of a run: pause, resume, abort, sign its approval step. Any instance answers:
 * the change is made in the database and the instance executing the run hears it at commit (see
 * run-control-messages.ts); this module also listens for what other instances ask of the runs here.
 */
export function createRunControls(
  ctx: LabContext,
  log: FastifyBaseLogger,
  active: ActiveRuns,
  relaunch: Relaunch,
): RunControls {
  const orphanAfterS = ctx.config.runs.orphanAfterS;
  const readRun = async (labIds: readonly string[], runId: string): Promise<RunRow> => {
    const run = await runById(readInLabs(ctx.db, labIds), runId);
    if (!run) throw new NotFoundError('run_not_found', `There is no run ${runId}`);
    return run;
  };

  /** Polls until a run has ended (a run another server aborts), at most `ms`. */
  const endOf = async (labIds: readonly string[], runId: string, ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const run = await runById(readInLabs(ctx.db, labIds), runId);
      if (!run || finalStatuses.has(run.status)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  /** Brings a run executing here in line with the database: paused, resumed, abort requested. */
  const sync = async (runId: string) => {
    const entry = active.get(runId);
    if (!entry) return;
    const run = await runById(readInLabs(ctx.db, entry.labIds), runId);
    if (!run) return;
    if (run.abort_reason !== null && !entry.controller.signal.aborted && !finalStatuses.has(run.status)) {
      entry.controller.abort(new Error(run.abort_reason));
      resumeAll(entry);
    } else if (run.status === 'paused') entry.paused = true;
    else if (run.status === 'running' && entry.paused) resumeAll(entry);
  };

  // What other instances ask of the runs executing here (see run-control.ts).
  const controlListener = ctx.db
    .listen(runControlChannel, {
      notified: (payload) => {
        const message = parseRunControl(payload);
        if (!message) return;
        if (message.action === 'approved') {
          const approval = active.get(message.run_id)?.approval;
          if (approval?.stepId === message.step_id) approval.signed(message.outputs);
          return;
        }
        void sync(message.run_id).catch((error: unknown) =>
          log.warn({ err: error }, 'run control sync failed'),
        );
      },
      // Messages sent while the connection was down are lost: read every run's state again.
      connected: () => {
        for (const runId of active.keys()) void sync(runId).catch(() => {});
      },
    })
    .catch((error: unknown) => {
      log.error({ err: error }, 'cannot listen for run control: runs here answer only to this server');
      return async () => {};
    });

  return {
    async pause(caller, runId, reason, actor) {
      const run = await inLabs(ctx.db, caller.lab_ids, async (tx) => {
        const paused = await transitionRun(ctx, tx, runId, ['running'], 'paused', actor, {}, reason);
        await notifyRunControl(tx, { run_id: runId, action: 'sync' });
        return paused;
      });
      // The executing server (this one or another) pauses before its next step.
      const entry = active.get(runId);
      if (entry) entry.paused = true;
      return run;
    },

    async resume(caller, runId, reason, actor) {
      const found = await readRun(caller.lab_ids, runId);
      // An interrupted run continues in this process from its last finished step.
      if (found.status === 'interrupted' && !active.has(runId)) {
        await relaunch(runId, caller.lab_ids, { reason, actor });
        return readRun(caller.lab_ids, runId);
      }
      const run = await inLabs(ctx.db, caller.lab_ids, async (tx) => {
        const resumed = await transitionRun(ctx, tx, runId, ['paused'], 'running', actor, {}, reason);
        await notifyRunControl(tx, { run_id: runId, action: 'sync' });
        return resumed;
      });
      const entry = active.get(runId);
      if (entry) resumeAll(entry);
      return run;
    },

    async abort(caller, runId, reason, actor) {
      let entry = active.get(runId);
      const { run, executing, orphaned } = await inLabs(ctx.db, caller.lab_ids, async (tx) => {
        const found = await runById(tx, runId, { lock: true });
        if (!found) throw new NotFoundError('run_not_found', `There is no run ${runId}`);
        if (finalStatuses.has(found.status)) {
          throw new ConflictError(
            'invalid_run_transition',
            `The run is ${found.status}; it cannot be aborted`,
            {
              from: found.status,
              to: 'aborted',
            },
          );
        }
        // An interrupted run is no longer this server's to finish, even if something of it lingers here.
        if (found.status === 'interrupted') {
          entry?.controller.abort(new Error(reason));
          entry = undefined;
        }
        const live = ['running', 'paused', 'waiting_for_approval'].includes(found.status);
        if (entry || (live && (await runnerAlive(tx, runId, orphanAfterS)))) {
          // Who aborted and why are recorded now; the executing server (this one or another) runs the
          // on_abort steps, and the run becomes aborted when they are done.
          const requested = await updateRun(tx, runId, { abort_reason: reason, aborted_by: caller.id });
          await ctx.audit.append(tx, {
            ...actor,
            action: 'run.abort_requested',
            entity_type: 'run',
            entity_id: runId,
            before: { status: found.status },
            after: { status: requested.status, abort_reason: reason, aborted_by: caller.id },
            reason,
          });
          await announceState(tx, requested, found.status, { abort_requested: true, reason });
          await notifyRunControl(tx, { run_id: runId, action: 'sync' });
          return { run: requested, executing: true, orphaned: false };
        }
        // Not executing anywhere (created, interrupted, or its server died): it ends now, devices free.
        const aborted = await transitionRun(
          ctx,
          tx,
          runId,
          [found.status],
          'aborted',
          actor,
          {
            abort_reason: reason,
            aborted_by: caller.id,
            finished_at: ctx.now().toISOString(),
            waiting_step: null,
          },
          reason,
        );
        await releaseDevices(tx, runId);
        const instruments = live ? (await sessionsOf(tx, runId, found.config_snapshot_id)).sessions : {};
        return { run: aborted, executing: false, orphaned: instruments };
      });
      if (orphaned) await Promise.allSettled(Object.values(orphaned).map((session) => session.safeState()));
      if (entry) {
        entry.controller.abort(new Error(reason));
        resumeAll(entry);
        await entry.finished;
      } else if (executing) {
        await endOf(caller.lab_ids, runId, 10_000);
      }
      return (await runById(readInLabs(ctx.db, caller.lab_ids), runId)) ?? run;
    },

    async approve(caller, runId, stepId, input, actor) {
      // What the step asks for: from the run waiting here, or from its definition if another server runs it.
      const waiting = async () => {
        const here = active.get(runId)?.approval;
        if (here?.stepId === stepId) return { approverRole: here.approverRole, meaning: here.meaning };
        const run = await readRun(caller.lab_ids, runId);
        const step =
          run.status === 'waiting_for_approval' && run.waiting_step === stepId
            ? stepWithId(
                (await versionDefinition(readInLabs(ctx.db, caller.lab_ids), run.workflow_version_id)).steps,
                stepId,
              )
            : undefined;
        if (!step || active.has(runId)) {
          throw new ConflictError(
            'not_waiting_for_approval',
            `The run is not waiting for the approval step ${stepId}`,
          );
        }
        return { approverRole: String(step.approver_role), meaning: String(step.meaning ?? 'approved') };
      };
      const first = await waiting();
      // The step's role signs; so does whoever holds every permission ('*', the administrator).
      if (!caller.roles.includes(first.approverRole) && !caller.permissions.includes('*')) {
        throw new ForbiddenError(
          'approver_role_required',
          `Step ${stepId} is signed by someone with the role ${first.approverRole}`,
        );
      }
      await reauthenticateSigner(ctx, caller, input, actor);
      const step = await waiting();
      const meaning = signatureMeanings.find((known) => known === step.meaning) ?? 'approved';
      const outputs = await inLabs(ctx.db, caller.lab_ids, async (tx) => {
        const signature = await signInTransaction(
          ctx,
          tx,
          caller,
          { record_type: 'run', record_id: runId, meaning, reason: `[step ${stepId}] ${input.reason}` },
          actor,
        );
        const signed = {
          signature_id: signature.id,
          signer_id: caller.id,
          signed_at: signature.signed_at,
          meaning,
        };
        await notifyRunControl(tx, { run_id: runId, action: 'approved', step_id: stepId, outputs: signed });
        return signed;
      });
      const here = active.get(runId)?.approval;
      if (here?.stepId === stepId) here.signed(outputs);
    },

    async stop() {
      await (await controlListener)();
    },
  };
}
