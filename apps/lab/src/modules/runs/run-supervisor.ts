import { ConflictError, ForbiddenError, NotFoundError } from '@ours/platform/errors';
import type { FastifyBaseLogger } from 'fastify';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { driverNamed, type InstrumentSession } from '../instruments/index.ts';
import { isJsonObject } from '../shared/free-json.ts';
import { reauthenticateSigner, signatureMeanings, signInTransaction } from '../signatures/index.ts';
import { allLabIds, inLabs } from '../sites/index.ts';
import { type RunValue, stepTypeNames } from '../workflows/index.ts';
import { versionDefinition } from '../workflows/workflows.service.ts';
import { createAnalysisClient } from './analysis-client.ts';
import { createInterlockMonitor, type InterlockState, type WatchedInstrument } from './interlock-monitor.ts';
import { frameOf, packValues } from './run-data.ts';
import { runRecordDigest } from './run-digest.ts';
import { type EngineHooks, executeRun, type RunOutcome } from './run-engine.ts';
import {
  beatRuns,
  devicesOfRun,
  insertData,
  insertStep,
  orphanedRuns,
  type RunRow,
  type RunStatus,
  releaseDevices,
  runById,
  snapshotById,
  updateRun,
} from './runs.repository.ts';

type Json = Record<string, unknown>;

/** A run's stored parameters as values (they were checked when the run was created). */
function runValues(stored: unknown): Record<string, RunValue> {
  const values: Record<string, RunValue> = {};
  for (const [name, value] of Object.entries(isJsonObject(stored) ? stored : {})) {
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string')
      values[name] = value;
  }
  return values;
}

/** A run executing in this process: how to pause, resume and abort it. */
interface ActiveRun {
  controller: AbortController;
  /** Set when the server stops: the run ends interrupted (resumable), not aborted. */
  interrupted: boolean;
  /** The hubs its instruments sit on: an interlock trip on a hub aborts every run there. */
  hubs: Set<string>;
  /** The run's lab, once loaded. */
  labId?: string | undefined;
  paused: boolean;
  resumed: (() => void)[];
  labIds: string[];
  finished: Promise<void>;
  /** The approval step the run waits on, and how to let it go on with the signature. */
  approval?:
    | { stepId: string; approverRole: string; meaning: string; signed: (outputs: Json) => void }
    | undefined;
}

const system: AuditActor = { actor_id: null, actor_email: 'system:runs', request_id: null, client_ip: null };
const finalStatuses: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'aborted']);

export interface ApprovalProof {
  password: string;
  totp?: string | undefined;
  reason: string;
}

export interface RunSupervisor {
  start(runId: string, labIds: string[]): void;
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
  /** The interlock lines of the instruments of this process's runs, as last read. */
  interlockStates(labIds: string[]): InterlockState[];
  /** Waits for a run of this process to end (tests, shutdown). */
  settled(runId: string): Promise<void>;
  /** Stops every run of this process: each is left interrupted, its instruments safe. */
  stop(): Promise<void>;
  /**
   * Marks interrupted the runs whose server stopped beating (crashed, killed) `staleS` ago, and
   * drives their instruments safe; answers how many. Runs at start and every 30 s (default 15 s).
   */
  recoverOrphans(staleS?: number): Promise<number>;
}

/**
 * Runs workflow runs in this process with the engine, persisting each finished step and every
 * change of state (audited). A run belongs to the process that started it.
 */
export function createRunSupervisor(ctx: LabContext, log: FastifyBaseLogger): RunSupervisor {
  const active = new Map<string, ActiveRun>();

  /** A trip aborts every run on the tripping instrument's hub (or its own run), and is audited. */
  const tripped = (watched: WatchedInstrument, what: string) => {
    const reason = `interlock tripped: ${what} on device ${watched.deviceId}`;
    for (const [runId, entry] of active) {
      const sameHub = watched.hubId !== null && entry.hubs.has(watched.hubId);
      if (runId === watched.runId || sameHub) entry.controller.abort(new Error(reason));
    }
    const labIds = active.get(watched.runId)?.labIds ?? [];
    void inLabs(ctx.db, labIds, (tx) =>
      ctx.audit.append(tx, {
        ...system,
        action: 'interlock.tripped',
        entity_type: 'device',
        entity_id: watched.deviceId,
        before: null,
        after: { line: what, run_id: watched.runId, hub_id: watched.hubId },
        reason,
      }),
    ).catch((error: unknown) =>
      log.error({ err: error, device_id: watched.deviceId }, 'could not audit an interlock trip'),
    );
  };
  const interlocks = createInterlockMonitor(ctx.config.runs.interlockPollMs, tripped);
  // This server's runs beat every 5 s; any instance takes a run whose beat stopped for 15 s (three
  // missed beats) as orphaned.
  const heartbeat = setInterval(() => {
    const labIds = [...new Set([...active.values()].flatMap((entry) => entry.labIds))];
    if (active.size === 0) return;
    void inLabs(ctx.db, labIds, (tx) => beatRuns(tx, [...active.keys()])).catch((error: unknown) =>
      log.warn({ err: error }, 'run heartbeat failed'),
    );
  }, 5_000);
  heartbeat.unref();
  const orphanSweep = setInterval(() => {
    void recoverOrphans().catch((error: unknown) => log.warn({ err: error }, 'orphaned run sweep failed'));
  }, 30_000);
  orphanSweep.unref();

  async function recoverOrphans(staleS = 15): Promise<number> {
    const labIds = await allLabIds(ctx.db.kysely);
    const orphans = await inLabs(ctx.db, labIds, async (tx) => {
      const found = await orphanedRuns(tx, staleS, [...active.keys()]);
      const recovered = [];
      for (const run of found) {
        await transition(tx, run.id, [run.status], 'interrupted', system, { waiting_step: null });
        recovered.push({ run, instruments: (await sessionsOf(tx, run.id, run.config_snapshot_id)).sessions });
      }
      return recovered;
    });
    for (const { run, instruments } of orphans) {
      await Promise.allSettled(Object.values(instruments).map((session) => session.safeState()));
      log.warn(
        { run_id: run.id },
        'run interrupted: the server executing it stopped; its instruments are safe',
      );
    }
    return orphans.length;
  }

  const analysis = createAnalysisClient({
    url: ctx.config.runs.analysisUrl,
    deadlineMs: ctx.config.runs.analysisTimeoutMs,
  });

  /** Moves a run from one of `from` to `to` with its audit entry, or 409 invalid_run_transition. */
  async function transition(
    tx: LabExecutor,
    runId: string,
    from: RunStatus[],
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
    const fields = ['status', 'failed_step', 'error', 'abort_reason', 'aborted_by', 'waiting_step'] as const;
    await ctx.audit.append(tx, {
      ...actor,
      action: `run.${to}`,
      entity_type: 'run',
      entity_id: runId,
      before: Object.fromEntries(fields.map((field) => [field, run[field]])),
      after: Object.fromEntries(fields.map((field) => [field, updated[field]])),
      reason,
    });
    return updated;
  }

  async function finish(runId: string, labIds: string[], outcome: RunOutcome): Promise<void> {
    await inLabs(ctx.db, labIds, async (tx) => {
      const summary = await runRecordDigest(tx, runId);
      const now = ctx.now().toISOString();
      const run = await runById(tx, runId, { lock: true });
      // Already ended, or taken as orphaned by another instance meanwhile: that record stands.
      if (!run || finalStatuses.has(run.status) || run.status === 'interrupted') return;
      const changes =
        outcome.status === 'failed'
          ? { failed_step: outcome.step, error: outcome.error }
          : outcome.status === 'aborted'
            ? { abort_reason: run.abort_reason ?? outcome.reason }
            : {};
      const updated = await updateRun(tx, runId, {
        ...changes,
        status: outcome.status,
        finished_at: now,
        waiting_step: null,
      });
      await releaseDevices(tx, runId);
      await ctx.audit.append(tx, {
        ...system,
        action: `run.${outcome.status}`,
        entity_type: 'run',
        entity_id: runId,
        before: { status: run.status },
        after: { status: updated.status, failed_step: updated.failed_step, error: updated.error, ...summary },
        reason: updated.abort_reason,
      });
    });
  }

  async function sessionsOf(tx: LabExecutor, runId: string, snapshotId: string) {
    const snapshot = await snapshotById(tx, snapshotId);
    const bound = isJsonObject(snapshot?.snapshot.devices) ? snapshot.snapshot.devices : {};
    const sessions: Record<string, InstrumentSession> = {};
    const instruments: WatchedInstrument[] = [];
    for (const reservation of await devicesOfRun(tx, runId)) {
      const device = bound[reservation.role];
      const driver = isJsonObject(device) ? driverNamed(String(device.driver)) : undefined;
      if (!driver || !isJsonObject(device))
        throw new Error(`run ${runId}: no driver for role ${reservation.role}`);
      const session = driver.connect(
        reservation.device_id,
        isJsonObject(device.driver_settings) ? device.driver_settings : {},
      );
      sessions[reservation.role] = session;
      const hubId = typeof device.hub_id === 'string' ? device.hub_id : null;
      instruments.push({ runId, role: reservation.role, deviceId: reservation.device_id, hubId, session });
    }
    return { sessions, instruments };
  }

  async function execute(runId: string, labIds: string[], entry: ActiveRun): Promise<void> {
    const loaded = await inLabs(ctx.db, labIds, async (tx) => {
      const run = await runById(tx, runId);
      if (!run) throw new Error(`run ${runId} is gone`);
      const definition = await versionDefinition(tx, run.workflow_version_id);
      const { sessions, instruments } = await sessionsOf(tx, runId, run.config_snapshot_id);
      await transition(tx, runId, ['created'], 'running', system, {
        started_at: ctx.now().toISOString(),
        runner_heartbeat_at: ctx.now().toISOString(),
      });
      return { run, definition, sessions, instruments };
    });
    entry.labId = loaded.run.lab_id;
    entry.hubs = new Set(
      loaded.instruments.flatMap((instrument) => (instrument.hubId ? [instrument.hubId] : [])),
    );
    for (const instrument of loaded.instruments) interlocks.watch(instrument);
    let seq = 0;
    let dataSeq = 0;
    const startedAt = new Map<string, string>();
    const hooks: EngineHooks = {
      stepStarted: async (step) => {
        startedAt.set(`${step.path}#${step.iterations.join('.')}`, ctx.now().toISOString());
        // The lines are read before every instrument step too, not only by the poller; on_abort
        // steps run whatever the lines say (they are what makes the instruments safe).
        if (step.type === 'instrument' && step.phase === 'steps' && (await interlocks.check(runId))) {
          throw entry.controller.signal.reason;
        }
      },
      stepFinished: async (step, result) => {
        const type = stepTypeNames.find((name) => name === step.type);
        if (!type) throw new Error(`unknown step type ${step.type}`);
        seq += 1;
        const key = `${step.path}#${step.iterations.join('.')}`;
        await inLabs(ctx.db, labIds, async (tx) => {
          await insertStep(tx, {
            run_id: runId,
            lab_id: loaded.run.lab_id,
            seq,
            step_id: step.id,
            step_type: type,
            path: step.path,
            iterations: step.iterations,
            status: result.status,
            outputs: result.outputs,
            started_at: startedAt.get(key) ?? ctx.now().toISOString(),
            finished_at: ctx.now().toISOString(),
          });
          if (!result.data) return;
          // The step's bulk data beside it, packed (see run-data.ts).
          const frame = frameOf(result.data);
          dataSeq += 1;
          await insertData(tx, {
            run_id: runId,
            lab_id: loaded.run.lab_id,
            seq: dataSeq,
            step_seq: seq,
            step_id: step.id,
            kind: frame.kind,
            captured_at: ctx.now().toISOString(),
            start_nm: frame.start_nm,
            step_nm: frame.step_nm,
            unit: frame.unit,
            points: frame.values.length,
            vals: packValues(frame.values),
          });
        });
      },
      awaitApproval: async (step, signal) => {
        await inLabs(ctx.db, labIds, (tx) =>
          transition(tx, runId, ['running'], 'waiting_for_approval', system, { waiting_step: step.id }),
        );
        const outputs = await new Promise<Json>((resolve, reject) => {
          entry.approval = {
            stepId: step.id,
            approverRole: step.approver_role,
            meaning: step.meaning,
            signed: resolve,
          };
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }).finally(() => {
          entry.approval = undefined;
        });
        await inLabs(ctx.db, labIds, (tx) =>
          transition(tx, runId, ['waiting_for_approval'], 'running', system, { waiting_step: null }),
        );
        return outputs;
      },
      analyze: async (step, data, signal) => {
        const answer = await analysis.analyze(
          data,
          signal,
          step.timeoutS === undefined ? undefined : step.timeoutS * 1000,
        );
        if (answer.ok) return answer.result;
        log.warn({ run_id: runId, step: step.id, reason: answer.reason }, 'analysis unavailable');
        return undefined;
      },
    };
    const outcome = await executeRun({
      definition: loaded.definition,
      parameters: runValues(loaded.run.parameters),
      sessions: loaded.sessions,
      hooks,
      control: {
        signal: entry.controller.signal,
        waitIfPaused: () =>
          entry.paused ? new Promise<void>((resolve) => entry.resumed.push(resolve)) : Promise.resolve(),
      },
      instrumentTimeoutS: ctx.config.runs.instrumentTimeoutS,
    }).finally(() => interlocks.unwatch(runId));
    if (entry.interrupted) {
      await inLabs(ctx.db, labIds, async (tx) => {
        const run = await runById(tx, runId, { lock: true });
        if (!run || !['running', 'paused', 'waiting_for_approval'].includes(run.status)) return;
        await transition(tx, runId, [run.status], 'interrupted', system, { waiting_step: null });
      });
      return;
    }
    await finish(runId, labIds, outcome);
  }

  const resumeAll = (entry: ActiveRun) => {
    entry.paused = false;
    for (const resolve of entry.resumed.splice(0)) resolve();
  };

  return {
    start(runId, labIds) {
      const entry: ActiveRun = {
        controller: new AbortController(),
        interrupted: false,
        hubs: new Set(),
        paused: false,
        resumed: [],
        labIds,
        finished: Promise.resolve(),
      };
      active.set(runId, entry);
      entry.finished = execute(runId, labIds, entry)
        .catch(async (error: unknown) => {
          log.error({ err: error, run_id: runId }, 'run stopped by an internal error');
          await finish(runId, labIds, {
            status: 'failed',
            step: '',
            error: `internal error: ${error instanceof Error ? error.message : String(error)}`,
          }).catch((cause: unknown) =>
            log.error({ err: cause, run_id: runId }, 'could not record the failed run'),
          );
        })
        .finally(() => active.delete(runId));
    },

    pause: (caller, runId, reason, actor) =>
      inLabs(ctx.db, caller.lab_ids, async (tx) => {
        const entry = active.get(runId);
        if (!entry) throw new ConflictError('run_not_active', 'The run is not executing on this server');
        const run = await transition(tx, runId, ['running'], 'paused', actor, {}, reason);
        entry.paused = true;
        return run;
      }),

    resume: (caller, runId, reason, actor) =>
      inLabs(ctx.db, caller.lab_ids, async (tx) => {
        const entry = active.get(runId);
        if (!entry) throw new ConflictError('run_not_active', 'The run is not executing on this server');
        const run = await transition(tx, runId, ['paused'], 'running', actor, {}, reason);
        resumeAll(entry);
        return run;
      }),

    async abort(caller, runId, reason, actor) {
      let entry = active.get(runId);
      const run = await inLabs(ctx.db, caller.lab_ids, async (tx) => {
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
        if (entry) {
          // Who aborted and why are recorded now; the run becomes aborted when its on_abort steps are done.
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
          return requested;
        }
        // Not executing here (created, interrupted): it ends now, its devices free.
        const aborted = await transition(
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
        return aborted;
      });
      if (!entry) return run;
      entry.controller.abort(new Error(reason));
      resumeAll(entry);
      await entry.finished;
      return (await inLabs(ctx.db, caller.lab_ids, (tx) => runById(tx, runId))) ?? run;
    },

    async approve(caller, runId, stepId, input, actor) {
      const waiting = () => {
        const approval = active.get(runId)?.approval;
        if (!approval || approval.stepId !== stepId) {
          throw new ConflictError(
            'not_waiting_for_approval',
            `The run is not waiting for the approval step ${stepId}`,
          );
        }
        return approval;
      };
      const first = waiting();
      // The step's role signs; so does whoever holds every permission ('*', the administrator).
      if (!caller.roles.includes(first.approverRole) && !caller.permissions.includes('*')) {
        throw new ForbiddenError(
          'approver_role_required',
          `Step ${stepId} is signed by someone with the role ${first.approverRole}`,
        );
      }
      await reauthenticateSigner(ctx, caller, input, actor);
      const approval = waiting();
      const meaning = signatureMeanings.find((known) => known === approval.meaning) ?? 'approved';
      const signature = await inLabs(ctx.db, caller.lab_ids, (tx) =>
        signInTransaction(
          ctx,
          tx,
          caller,
          { record_type: 'run', record_id: runId, meaning, reason: `[step ${stepId}] ${input.reason}` },
          actor,
        ),
      );
      approval.signed({
        signature_id: signature.id,
        signer_id: caller.id,
        signed_at: signature.signed_at,
        meaning,
      });
    },

    interlockStates: (labIds) =>
      interlocks.states().filter((state) => {
        const labId = active.get(state.run_id)?.labId;
        return labId !== undefined && labIds.includes(labId);
      }),

    settled: async (runId) => {
      await active.get(runId)?.finished;
    },

    recoverOrphans,

    async stop() {
      clearInterval(heartbeat);
      clearInterval(orphanSweep);
      for (const entry of active.values()) {
        entry.interrupted = true;
        entry.controller.abort(new Error('the lab server is stopping'));
        resumeAll(entry);
      }
      await Promise.allSettled([...active.values()].map((entry) => entry.finished));
    },
  };
}
