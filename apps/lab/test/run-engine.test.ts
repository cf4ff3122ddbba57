import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulatedDaq } from '../src/modules/instruments/index.ts';
import { simDaqDriver } from '../src/modules/instruments/sim-daq.driver.ts';
import { simRamanDriver } from '../src/modules/instruments/sim-raman.driver.ts';
import { type EngineHooks, executeRun, type RunSetup, type StepRef } from '../src/modules/runs/run-engine.ts';

const demoPath = new URL('../src/modules/workflows/demo/crystallization-monitoring.json', import.meta.url);
const demo = () => {
  const document = JSON.parse(readFileSync(demoPath, 'utf8'));
  document.steps[1].seconds = 0; // the settle wait, not needed here
  return document;
};
const demoParams = {
  bias_voltage: 1,
  working_voltage: 5,
  ramp_rate: 10,
  exposure_ms: 200,
  peak_threshold: 1500,
};

/** Hooks that keep what the engine reports, approving at once and answering analyses with `answer`. */
function recordingHooks(answer?: Record<string, unknown>) {
  const events: string[] = [];
  const finished: { ref: StepRef; outputs: Record<string, unknown>; status: string }[] = [];
  const hooks: EngineHooks = {
    stepStarted: async (ref) => {
      events.push(`start ${ref.id}${ref.iterations.length ? `#${ref.iterations.join('.')}` : ''}`);
    },
    stepFinished: async (ref, result) => {
      finished.push({ ref, outputs: result.outputs, status: result.status });
    },
    awaitApproval: async (step) => ({ signature_id: 'sig-1', approver_role: step.approver_role }),
    analyze: async () => answer,
  };
  return { hooks, events, finished };
}

function setup(definition: Record<string, unknown>, overrides: Partial<RunSetup> = {}) {
  const daqId = randomUUID();
  const recorded = recordingHooks();
  const run: RunSetup = {
    definition,
    parameters: demoParams,
    sessions: {
      daq: simDaqDriver.connect(daqId, {}),
      raman: simRamanDriver.connect(randomUUID(), { acquisition_s: 0, seed: 7 }),
    },
    hooks: recorded.hooks,
    control: { signal: new AbortController().signal, waitIfPaused: async () => {} },
    ...overrides,
  };
  return { run, daq: () => simulatedDaq(daqId), ...recorded };
}

describe('the workflow engine', () => {
  it('runs the demo workflow to completion: loops until the peak, records it, signs, returns to 0 V', async () => {
    const { run, daq, finished, events } = setup(demo());
    expect(await executeRun(run)).toEqual({ status: 'completed' });
    const byId = Object.fromEntries(finished.map((step) => [step.ref.id, step.outputs]));
    expect(byId.monitor).toMatchObject({ ended_by: 'until' });
    expect(Number(byId.acquire?.peak_intensity)).toBeGreaterThanOrEqual(1500);
    expect(Math.abs(Number(byId.record_peak?.value) - 620)).toBeLessThan(1);
    expect(byId.review).toEqual({ signature_id: 'sig-1', approver_role: 'admin' });
    expect(events.slice(0, 5)).toEqual([
      'start bias',
      'start settle',
      'start ramp',
      'start monitor',
      'start acquire#1',
    ]);
    expect(events.at(-1)).toBe('start zero');
    expect(daq().analogOut).toEqual([0, 0, 0, 0]);
  });

  it('fails the step whose computed argument is out of range, with its path, and leaves the instruments safe', async () => {
    const definition = demo();
    definition.steps[2].args.voltage = { expr: 'params.working_voltage * 3.0' };
    const { run, daq } = setup(definition);
    expect(await executeRun(run)).toEqual({
      status: 'failed',
      step: '/steps/2/args/voltage',
      error: 'voltage computed as 15 V, above the maximum 10 V',
    });
    expect(daq().analogOut).toEqual([0, 0, 0, 0]);
  });

  it('fails on an expression error at run time, naming the expression', async () => {
    const definition = demo();
    definition.steps[0].args.voltage = { expr: 'params.bias_voltage / (params.working_voltage - 5.0)' };
    const { run } = setup(definition);
    const outcome = await executeRun(run);
    expect(outcome).toMatchObject({ status: 'failed', step: '/steps/0/args/voltage/expr' });
    expect(outcome.status === 'failed' && outcome.error).toMatch(/gives Infinity/);
  });

  it('aborts mid-ramp: stops the ramp, runs on_abort, and drives every output to 0 V', async () => {
    const definition = demo();
    definition.steps[2].args.ramp_v_per_s = 1; // 4 V at 1 V/s: four seconds of ramp
    const controller = new AbortController();
    const { run, daq, events } = setup(definition, {
      control: { signal: controller.signal, waitIfPaused: async () => {} },
    });
    const outcome = executeRun(run);
    setTimeout(() => controller.abort(new Error('interlock estop tripped')), 300);
    expect(await outcome).toEqual({ status: 'aborted', reason: 'interlock estop tripped' });
    expect(events).toContain('start abort_zero');
    expect(events).not.toContain('start monitor');
    expect(daq().analogOut).toEqual([0, 0, 0, 0]);
  });

  it('waits while paused, and goes on when resumed', async () => {
    let release: () => void = () => {};
    let paused = true;
    const gate = new Promise<void>((resolve) => {
      release = () => {
        paused = false;
        resolve();
      };
    });
    const { run, events } = setup(demo(), {
      control: {
        signal: new AbortController().signal,
        waitIfPaused: () => (paused ? gate : Promise.resolve()),
      },
    });
    const outcome = executeRun(run);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual([]);
    release();
    expect(await outcome).toEqual({ status: 'completed' });
  });

  it('skips an analysis that is unavailable unless it is critical', async () => {
    const definition = demo();
    definition.steps.splice(5, 0, { id: 'classify', type: 'analyze', source: 'acquire' });
    const skipped = setup(definition);
    expect(await executeRun(skipped.run)).toEqual({ status: 'completed' });
    expect(skipped.finished.find((step) => step.ref.id === 'classify')?.status).toBe('skipped');
    definition.steps[5].critical = true;
    expect(await executeRun(setup(definition).run)).toEqual({
      status: 'failed',
      step: '/steps/5',
      error: 'the analysis service is unavailable and the step is critical',
    });
  });

  it('fails a step whose instrument does not answer in time, and resumes after finished steps', async () => {
    const definition = demo();
    definition.steps[2].timeout_s = 0.05;
    definition.steps[2].args.ramp_v_per_s = 1;
    const { run } = setup(definition);
    expect(await executeRun(run)).toEqual({
      status: 'failed',
      step: '/steps/2',
      error: 'daq set_voltage failed: the instrument did not finish within 0.05 s',
    });
    // Resumed: bias and settle are not run again.
    const resumed = setup(demo(), {
      resume: { finished: new Set(['bias', 'settle']), outputs: { bias: { voltage: 1 } } },
    });
    expect(await executeRun(resumed.run)).toEqual({ status: 'completed' });
    expect(resumed.events[0]).toBe('start ramp');
  });
});
