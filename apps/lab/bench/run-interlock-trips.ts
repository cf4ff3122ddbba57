import { setTimeout as sleep } from 'node:timers/promises';
import { setSimulatedLine, simulatedDaq } from '../src/modules/instruments/index.ts';
import { interlockLines } from '../src/modules/instruments/sim-daq.driver.ts';
import { type Latency, summarise } from './lab-client.ts';
import { labCpu, type RunBenchLab } from './run-bench-lab.ts';
import { heldVolts, voltageHold } from './run-workflows.ts';

export interface InterlockTrips {
  trips: number;
  pollMs: number;
  /** Door line opened → every analog output read 0 V (polled every millisecond). */
  reaction: Latency;
  cpu: { lab: number; rest: number };
}

/** Polls `done` every millisecond (as often as timers go); answers the ms from `from` to the first true. */
async function firstTrue(done: () => boolean, from: number, timeoutMs: number): Promise<number> {
  while (!done()) {
    if (performance.now() - from > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(1);
  }
  return performance.now() - from;
}

/**
 * `trips` runs one after another on one simulated DAQ, each holding all four analog outputs live in
 * a long wait; at a random moment (uniform over one interlock poll period, so the trip lands at any
 * phase of the poller) the door line is opened in process and the time until every output reads
 * 0 V is taken. Each run must end aborted by the interlock; the line is closed again before the next.
 */
export async function measureInterlockTrips(lab: RunBenchLab, trips: number): Promise<InterlockTrips> {
  const workflow = await lab.approvedWorkflow(voltageHold());
  const daq = await lab.device('sim-daq', {});
  const outputs = simulatedDaq(daq).analogOut;
  const pollMs = lab.ctx.config.runs.interlockPollMs;
  const live = () => heldVolts.every((volts, channel) => Math.abs((outputs[channel] ?? 0) - volts) < 1e-9);
  const reactions: number[] = [];
  const cpu = labCpu();
  for (let trip = 0; trip < trips; trip += 1) {
    const run = await lab.api<{ id: string }>('POST', '/api/runs', lab.scientist, {
      workflow,
      devices: { daq },
    });
    await firstTrue(live, performance.now(), 10_000);
    await sleep(20 + Math.random() * pollMs);
    setSimulatedLine(daq, interlockLines.door, false);
    const opened = performance.now();
    reactions.push(await firstTrue(() => outputs.every((volts) => volts === 0), opened, 5_000));
    const status = await lab.runReaches(run.id, ['aborted', 'completed', 'failed'], 10_000);
    const ended = await lab.api<{ abort_reason: string | null }>('GET', `/api/runs/${run.id}`, lab.scientist);
    if (status !== 'aborted' || !ended.abort_reason?.startsWith('interlock tripped: door')) {
      throw new Error(`trip ${trip + 1}: the run ended ${status} (${ended.abort_reason}), not by the door`);
    }
    setSimulatedLine(daq, interlockLines.door, true);
  }
  return { trips, pollMs, reaction: summarise(reactions, 1), cpu: cpu() };
}
