import { ConflictError, NotFoundError } from '@ours/platform/errors';
import type { FastifyBaseLogger } from 'fastify';
import type { LabContext } from '../../context.ts';
import type { AuditActor } from '../audit/index.ts';
import { inLabs } from '../sites/index.ts';
import { versionDefinition } from '../workflows/workflows.service.ts';
import { type ActiveRun, type ActiveRuns, resumeAll, runValues } from './active-runs.ts';
import { createAnalysisClient } from './analysis-client.ts';
import { createInterlockMonitor, type InterlockState, type WatchedInstrument } from './interlock-monitor.ts';
import { createRunControls, type RunControls } from './run-controls.ts';
import { type EngineHooks, executeRun, type RunSetup } from './run-engine.ts';
import { type RunLiveness, startRunLiveness } from './run-liveness.ts';
import { assertSnapshotHolds, resumePoint } from './run-resume-check.ts';
import { sessionsOf } from './run-sessions.ts';
import { createStepRecorder } from './run-step-recorder.ts';
import { finishRun, systemActor as system, transitionRun } from './run-transitions.ts';
import { runById } from './runs.repository.ts';

type Json = Record<string, unknown>;

export interface RunSupervisor extends Omit<RunControls, 'stop'>, Pick<RunLiveness, 'recoverOrphans'> {
  start(runId: string, labIds: string[]): void;
  /** The interlock lines of the instruments of this process's runs, as last read. */
  interlockStates(labIds: string[]): InterlockState[];
  /** Waits for a run of this process to end (tests, shutdown). */
  settled(runId: string): Promise<void>;
  /** Stops every run of this process: each is left interrupted, its instruments safe. */
  stop(): Promise<void>;
}

/**
 * Runs workflow runs in this process with the engine, persisting each finished step and every
 * change of state (audited). A run executes in the process that started (or resumed) it; people's
 * requests about it reach it from any instance (run-controls.ts), and another instance takes over its
 * record if this one dies (run-liveness.ts).
 */
export function createRunSupervisor(ctx: LabContext, log: FastifyBaseLogger): RunSupervisor {
  const active: ActiveRuns = new Map();
  const liveness = startRunLiveness(ctx, log, active);

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
  const analysis = createAnalysisClient({
    url: ctx.config.runs.analysisUrl,
    deadlineMs: ctx.config.runs.analysisTimeoutMs,
  });

  /** Loads a run and moves it to running: a new run from created, an interrupted one (resumed) on. */
  async function load(
    runId: string,
    labIds: string[],
    resuming: { reason: string | null; actor: AuditActor } | null,
  ) {
    return inLabs(ctx.db, labIds, async (tx) => {
      const run = await runById(tx, runId, { lock: true });
      if (!run) throw new NotFoundError('run_not_found', `There is no run ${runId}`);
      const now = ctx.now().toISOString();
      let setup: Pick<RunSetup, 'resume'> = {};
      let from = { stepSeq: 0, dataSeq: 0 };
      if (resuming) {
        if (run.status !== 'interrupted') {
          throw new ConflictError('invalid_run_transition', `The run is ${run.status}; it cannot resume`, {
            from: run.status,
            to: 'running',
          });
        }
        await assertSnapshotHolds(ctx, tx, run);
        const point = await resumePoint(tx, runId);
        setup = { resume: point.resume };
        from = { stepSeq: point.stepSeq, dataSeq: point.dataSeq };
        await transitionRun(
          ctx,
          tx,
          runId,
          ['interrupted'],
          'running',
          resuming.actor,
          { runner_heartbeat_at: now },
          resuming.reason,
        );
      } else {
        await transitionRun(ctx, tx, runId, ['created'], 'running', system, {
          started_at: now,
          runner_heartbeat_at: now,
        });
      }
      const definition = await versionDefinition(tx, run.workflow_version_id);
      const { sessions, instruments } = await sessionsOf(tx, runId, run.config_snapshot_id);
      return { run, definition, sessions, instruments, setup, from };
    });
  }

  async function execute(
    runId: string,
    labIds: string[],
    entry: ActiveRun,
    loaded: Awaited<ReturnType<typeof load>>,
  ): Promise<void> {
    entry.labId = loaded.run.lab_id;
    entry.hubs = new Set(
      loaded.instruments.flatMap((instrument) => (instrument.hubId ? [instrument.hubId] : [])),
    );
    for (const instrument of loaded.instruments) interlocks.watch(instrument);
    const recorder = createStepRecorder(ctx, loaded.run, labIds, loaded.from);
    const hooks: EngineHooks = {
      stepStarted: async (step) => {
        await recorder.started(step);
        // The lines are read before every instrument step too, not only by the poller; on_abort
        // steps run whatever the lines say (they are what makes the instruments safe).
        if (step.type === 'instrument' && step.phase === 'steps' && (await interlocks.check(runId))) {
          throw entry.controller.signal.reason;
        }
      },
      stepFinished: (step, result) => recorder.finished(step, result),
      awaitApproval: async (step, signal) => {
        // The approval is awaited from before the run says it waits: whoever sees the state change
        // (events go out at the commit, before the transition's audit entry is sealed and this call
        // returns) may sign at once.
        const outputs = new Promise<Json>((resolve, reject) => {
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
        // An abort during the transition rejects it before it is awaited below: not unhandled.
        outputs.catch(() => undefined);
        try {
          await inLabs(ctx.db, labIds, (tx) =>
            transitionRun(ctx, tx, runId, ['running'], 'waiting_for_approval', system, {
              waiting_step: step.id,
            }),
          );
        } catch (error) {
          entry.approval = undefined;
          throw error;
        }
        const signed = await outputs;
        await inLabs(ctx.db, labIds, (tx) =>
          transitionRun(ctx, tx, runId, ['waiting_for_approval'], 'running', system, { waiting_step: null }),
        );
        return signed;
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
      ...loaded.setup,
    }).finally(() => interlocks.unwatch(runId));
    if (entry.interrupted) {
      await inLabs(ctx.db, labIds, async (tx) => {
        const run = await runById(tx, runId, { lock: true });
        if (!run || !['running', 'paused', 'waiting_for_approval'].includes(run.status)) return;
        await transitionRun(ctx, tx, runId, [run.status], 'interrupted', system, { waiting_step: null });
      });
      return;
    }
    await finishRun(ctx, runId, labIds, outcome);
  }

  /** Executes a loaded run in this process until it ends; a failure of our own fails the run. */
  function launch(
    runId: string,
    labIds: string[],
    resuming: { reason: string | null; actor: AuditActor } | null,
  ) {
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
    const loading = load(runId, labIds, resuming);
    entry.finished = loading
      .then(
        (loaded) => execute(runId, labIds, entry, loaded),
        (error: unknown) => {
          // A resume that could not load is refused to its caller (the returned promise); a new run
          // that could not load fails like any other internal error.
          if (!resuming) throw error;
        },
      )
      .catch(async (error: unknown) => {
        log.error({ err: error, run_id: runId }, 'run stopped by an internal error');
        await finishRun(ctx, runId, labIds, {
          status: 'failed',
          step: '',
          error: `internal error: ${error instanceof Error ? error.message : String(error)}`,
        }).catch((cause: unknown) =>
          log.error({ err: cause, run_id: runId }, 'could not record the failed run'),
        );
      })
      .finally(() => active.delete(runId));
    return loading;
  }

  const controls = createRunControls(ctx, log, active, launch);

  return {
    pause: controls.pause,
    resume: controls.resume,
    abort: controls.abort,
    approve: controls.approve,
    recoverOrphans: liveness.recoverOrphans,

    start(runId, labIds) {
      void launch(runId, labIds, null).catch(() => {
        // Recorded by launch: the run failed.
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

    async stop() {
      liveness.stop();
      await controls.stop();
      for (const entry of active.values()) {
        entry.interrupted = true;
        entry.controller.abort(new Error('the lab server is stopping'));
        resumeAll(entry);
      }
      await Promise.allSettled([...active.values()].map((entry) => entry.finished));
    },
  };
}
