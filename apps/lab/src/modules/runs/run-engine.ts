import {
  type ActionData,
  type ArgumentSpec,
  abortableSleep,
  type InstrumentSession,
  instrumentKind,
  type OutputValue,
} from '../instruments/index.ts';
import { isJsonObject } from '../shared/free-json.ts';
import { ExpressionError, evaluateExpression, type RunValue } from '../workflows/index.ts';

/**
 * The one workflow engine: it walks an approved definition's steps in order with the run's
 * parameters and bound instruments, persisting through `hooks` as it goes (each finished step is a
 * checkpoint), and ends completed, failed (with the step and the error) or aborted. Every instrument
 * is driven to its safe state when the run ends, however it ends.
 */
type Json = Record<string, unknown>;

/** Where a step is: its id, its JSON path in the definition, and the loop passes around it. */
export interface StepRef {
  id: string;
  type: string;
  path: string;
  iterations: number[];
  /** `on_abort` for the clean-up steps an abort runs (they must run whatever stopped the run). */
  phase: 'steps' | 'on_abort';
}

export interface StepResult {
  status: 'completed' | 'skipped';
  outputs: Record<string, unknown>;
  data?: ActionData | undefined;
}

export interface EngineHooks {
  stepStarted(step: StepRef): Promise<void>;
  stepFinished(step: StepRef, result: StepResult): Promise<void>;
  /** Resolves when a person with the step's role has signed (the run waits, state waiting_for_approval). */
  awaitApproval(
    step: StepRef & { approver_role: string; meaning: string },
    signal: AbortSignal,
  ): Promise<Json>;
  /** The analysis service's answer, or undefined when it is unavailable (down, slow, garbage). */
  analyze(
    step: StepRef & { timeoutS?: number | undefined },
    data: ActionData | undefined,
    signal: AbortSignal,
  ): Promise<Json | undefined>;
}

export interface RunControl {
  /** Aborted by a person or an interlock; its reason says which. */
  signal: AbortSignal;
  /** Resolves at once unless the run is paused; then when it is resumed (or aborted). */
  waitIfPaused(): Promise<void>;
}

export interface RunSetup {
  definition: Json;
  parameters: Record<string, RunValue>;
  sessions: Record<string, InstrumentSession>;
  hooks: EngineHooks;
  control: RunControl;
  /**
   * A resumed run: the top-level steps it finished (not run again), the outputs of its finished steps
   * and the last data of each step that produced some.
   */
  resume?: {
    finished: ReadonlySet<string>;
    outputs: Record<string, Record<string, unknown>>;
    data?: ReadonlyMap<string, ActionData>;
  };
  instrumentTimeoutS?: number;
}

export type RunOutcome =
  | { status: 'completed' }
  | { status: 'failed'; step: string; error: string }
  | { status: 'aborted'; reason: string };

/** A step that cannot go on: the run fails with it. */
export class StepFailure extends Error {
  override name = 'StepFailure';
  readonly stepPath: string;
  constructor(stepPath: string, message: string) {
    super(message);
    this.stepPath = stepPath;
  }
}

const list = (value: unknown): Json[] =>
  Array.isArray(value) ? value.filter((item): item is Json => typeof item === 'object' && item !== null) : [];
const reasonOf = (signal: AbortSignal) =>
  signal.reason instanceof Error ? signal.reason.message : String(signal.reason);

class Engine {
  readonly #setup: RunSetup;
  readonly #steps: Record<string, Record<string, unknown>> = {};
  readonly #data = new Map<string, ActionData>();
  readonly #integers = new Set<string>();

  readonly #phase: StepRef['phase'];

  constructor(setup: RunSetup, phase: StepRef['phase'] = 'steps') {
    this.#setup = setup;
    this.#phase = phase;
    const parameters = isJsonObject(setup.definition.parameters) ? setup.definition.parameters : {};
    for (const [name, spec] of Object.entries(parameters)) {
      if (isJsonObject(spec) && spec.type === 'integer') this.#integers.add(`params.${name}`);
    }
    Object.assign(this.#steps, setup.resume?.outputs ?? {});
    for (const [stepId, data] of setup.resume?.data ?? []) this.#data.set(stepId, data);
  }

  get signal() {
    return this.#setup.control.signal;
  }

  #value(value: unknown, path: string): RunValue {
    if (!isJsonObject(value)) {
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
      throw new StepFailure(path, 'has no value');
    }
    try {
      return evaluateExpression(String(value.expr), {
        params: this.#setup.parameters,
        steps: this.#steps,
        integers: this.#integers,
      });
    } catch (error) {
      if (error instanceof ExpressionError) throw new StepFailure(`${path}/expr`, error.message);
      throw error;
    }
  }

  async runList(steps: Json[], path: string, iterations: number[], topLevel = false): Promise<void> {
    for (const [index, step] of steps.entries()) {
      if (topLevel && this.#setup.resume?.finished.has(String(step.id))) continue;
      await this.#setup.control.waitIfPaused();
      if (this.signal.aborted) throw this.signal.reason;
      await this.runStep(step, `${path}/${index}`, iterations);
    }
  }

  async runStep(step: Json, path: string, iterations: number[]): Promise<void> {
    const ref: StepRef = {
      id: String(step.id),
      type: String(step.type),
      path,
      iterations,
      phase: this.#phase,
    };
    await this.#setup.hooks.stepStarted(ref);
    const result = await this.#perform(step, ref);
    if (result.status === 'completed') this.#steps[ref.id] = result.outputs;
    if (result.data) this.#data.set(ref.id, result.data);
    await this.#setup.hooks.stepFinished(ref, result);
  }

  async #perform(step: Json, ref: StepRef): Promise<StepResult> {
    const { path } = ref;
    switch (step.type) {
      case 'instrument':
        return this.#instrument(step, path);
      case 'wait': {
        const seconds = this.#value(step.seconds, `${path}/seconds`);
        if (typeof seconds !== 'number' || seconds < 0)
          throw new StepFailure(`${path}/seconds`, `is ${seconds}, not a duration`);
        // No timer for no wait: even setTimeout(0) costs a millisecond.
        if (seconds > 0) await abortableSleep(seconds * 1000, this.signal);
        else if (this.signal.aborted) throw this.signal.reason;
        return { status: 'completed', outputs: { seconds } };
      }
      case 'loop':
        return this.#loop(step, ref);
      case 'condition': {
        const holds = this.#value({ expr: step.if }, `${path}/if`);
        if (typeof holds !== 'boolean')
          throw new StepFailure(`${path}/if`, `gives ${holds}, not true or false`);
        const branch = holds ? 'then' : 'else';
        await this.runList(list(step[branch]), `${path}/${branch}`, ref.iterations);
        return { status: 'completed', outputs: { branch: step[branch] === undefined ? 'none' : branch } };
      }
      case 'record':
        return { status: 'completed', outputs: { value: this.#value(step.value, `${path}/value`) } };
      case 'approval': {
        const signed = await this.#setup.hooks.awaitApproval(
          { ...ref, approver_role: String(step.approver_role), meaning: String(step.meaning ?? 'approved') },
          this.signal,
        );
        return { status: 'completed', outputs: signed };
      }
      case 'analyze': {
        const timeoutS = typeof step.timeout_s === 'number' ? step.timeout_s : undefined;
        const answer = await this.#setup.hooks.analyze(
          { ...ref, timeoutS },
          this.#data.get(String(step.source)),
          this.signal,
        );
        if (answer) return { status: 'completed', outputs: answer };
        if (step.critical === true)
          throw new StepFailure(path, 'the analysis service is unavailable and the step is critical');
        return { status: 'skipped', outputs: {} };
      }
      default:
        throw new StepFailure(path, `unknown step type ${String(step.type)}`);
    }
  }

  async #loop(step: Json, ref: StepRef): Promise<StepResult> {
    const started = performance.now();
    const maxIterations = Number(step.max_iterations);
    const timeoutMs = Number(step.timeout_s) * 1000;
    for (let pass = 1; pass <= maxIterations; pass += 1) {
      await this.runList(list(step.steps), `${ref.path}/steps`, [...ref.iterations, pass]);
      const done = this.#value({ expr: step.until }, `${ref.path}/until`);
      if (typeof done !== 'boolean')
        throw new StepFailure(`${ref.path}/until`, `gives ${done}, not true or false`);
      if (done) return { status: 'completed', outputs: { iterations: pass, ended_by: 'until' } };
      // The bound is checked between passes: a pass under way finishes (its instruments stay consistent).
      if (performance.now() - started >= timeoutMs) {
        return { status: 'completed', outputs: { iterations: pass, ended_by: 'timeout' } };
      }
    }
    return { status: 'completed', outputs: { iterations: maxIterations, ended_by: 'max_iterations' } };
  }

  async #instrument(step: Json, path: string): Promise<StepResult> {
    const role = String(step.role);
    const session = this.#setup.sessions[role];
    const kindName = isJsonObject(this.#setup.definition.devices)
      ? this.#setup.definition.devices[role]
      : undefined;
    const action = isJsonObject(kindName)
      ? instrumentKind(String(kindName.kind))?.actions[String(step.action)]
      : undefined;
    if (!session || !action)
      throw new StepFailure(path, `no instrument is bound to ${role} for ${String(step.action)}`);
    const given = isJsonObject(step.args) ? step.args : {};
    const args: Record<string, OutputValue> = {};
    for (const [name, spec] of Object.entries(action.args)) {
      const value =
        given[name] === undefined ? spec.default : this.#value(given[name], `${path}/args/${name}`);
      if (value === undefined) throw new StepFailure(`${path}/args/${name}`, 'is required');
      const problem = outOfRange(name, value, spec);
      if (problem) throw new StepFailure(`${path}/args/${name}`, problem);
      args[name] = value;
    }
    for (const [output, type] of Object.entries(action.outputs)) {
      if (type === 'integer') this.#integers.add(`steps.${String(step.id)}.${output}`);
    }
    const timeoutS =
      typeof step.timeout_s === 'number' ? step.timeout_s : (this.#setup.instrumentTimeoutS ?? 60);
    const signal = AbortSignal.any([this.signal, AbortSignal.timeout(timeoutS * 1000)]);
    try {
      const result = await session.perform(String(step.action), args, signal);
      return { status: 'completed', outputs: result.outputs, data: result.data };
    } catch (error) {
      if (this.signal.aborted) throw this.signal.reason;
      const message = signal.aborted
        ? `the instrument did not finish within ${timeoutS} s`
        : error instanceof Error
          ? error.message
          : String(error);
      throw new StepFailure(path, `${role} ${String(step.action)} failed: ${message}`);
    }
  }

  /** Runs the on_abort steps with a signal of their own (the run's is aborted), at most 60 s. */
  async runAbortSteps(): Promise<void> {
    const steps = list(this.#setup.definition.on_abort);
    if (steps.length === 0) return;
    const cleanup = new Engine(
      {
        ...this.#setup,
        resume: { finished: new Set(), outputs: this.#steps },
        control: { signal: AbortSignal.timeout(60_000), waitIfPaused: async () => {} },
      },
      'on_abort',
    );
    await cleanup.runList(steps, '/on_abort', []).catch(() => {
      // The safe state follows whatever happened here.
    });
  }
}

/** What is wrong with a computed argument for its declared type and range, or nothing. */
function outOfRange(name: string, value: RunValue, spec: ArgumentSpec): string | undefined {
  if (spec.type === 'number' || spec.type === 'integer') {
    if (typeof value !== 'number') return `${name} must be a number, got ${value}`;
    if (spec.type === 'integer' && !Number.isInteger(value))
      return `${name} must be a whole number, got ${value}`;
    const unit = spec.unit ? ` ${spec.unit}` : '';
    if (spec.minimum !== undefined && value < spec.minimum)
      return `${name} computed as ${value}${unit}, below the minimum ${spec.minimum}${unit}`;
    if (spec.maximum !== undefined && value > spec.maximum)
      return `${name} computed as ${value}${unit}, above the maximum ${spec.maximum}${unit}`;
    return undefined;
  }
  if (spec.type === 'boolean' && typeof value !== 'boolean')
    return `${name} must be true or false, got ${value}`;
  if (spec.type === 'string' && typeof value !== 'string') return `${name} must be text, got ${value}`;
  return undefined;
}

/** Every bound instrument to its safe state, each on its own (one failing does not stop the others). */
async function allSafe(sessions: Record<string, InstrumentSession>): Promise<void> {
  await Promise.allSettled(Object.values(sessions).map((session) => session.safeState()));
}

/** Runs a workflow to its end (see the module comment). */
export async function executeRun(setup: RunSetup): Promise<RunOutcome> {
  const engine = new Engine(setup);
  try {
    await engine.runList(list(setup.definition.steps), '/steps', [], true);
    return { status: 'completed' };
  } catch (error) {
    if (setup.control.signal.aborted) {
      await engine.runAbortSteps();
      return { status: 'aborted', reason: reasonOf(setup.control.signal) };
    }
    if (error instanceof StepFailure) return { status: 'failed', step: error.stepPath, error: error.message };
    throw error;
  } finally {
    await allSafe(setup.sessions);
  }
}
