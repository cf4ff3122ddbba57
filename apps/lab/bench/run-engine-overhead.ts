import { sql } from 'kysely';
import { readInLabs } from '../src/modules/sites/index.ts';
import { type Latency, summarise } from './lab-client.ts';
import type { RunBenchLab } from './run-bench-lab.ts';
import { isoMs } from './run-clock.ts';
import { waitChain } from './run-workflows.ts';

export interface EngineOverhead {
  steps: number;
  /** The run's started_at to finished_at (the server's clock, ms). */
  totalMs: number;
  /** Between consecutive `step_finished` events (their transactions' start, µs). */
  perStep: Latency;
  /** A step's `step_started` event to its own `step_finished`: the event's round trip and the wait itself. */
  inStep: Latency;
  /** A `step_finished` to the next `step_started`: the checkpoint transaction and the engine's own work. */
  checkpoint: Latency;
}

/**
 * One run of `steps` zero-second waits through the real supervisor (POST /api/runs). Per-step times
 * come from the run's own events: `created_at` is `now()`, the start of the transaction that wrote
 * the event, with microseconds, so the gap between consecutive `step_finished` events is one step's
 * whole cycle (checkpoint, events, engine) without the bench polling in between.
 */
export async function measureEngineOverhead(lab: RunBenchLab, steps: number): Promise<EngineOverhead> {
  const workflow = await lab.approvedWorkflow(waitChain(steps));
  const run = await lab.api<{ id: string }>('POST', '/api/runs', lab.scientist, { workflow, devices: {} });
  await lab.runReaches(run.id, ['completed', 'failed', 'aborted'], 600_000, 250);
  const done = await lab.api<{ status: string; started_at: string; finished_at: string }>(
    'GET',
    `/api/runs/${run.id}`,
    lab.scientist,
  );
  if (done.status !== 'completed') throw new Error(`the ${steps}-step run ended ${done.status}`);
  const events = await sql<{ type: string; created_at: string }>`
    select type, created_at from run_events
    where run_id = ${run.id} and type in ('step_started', 'step_finished') order by seq`.execute(
    readInLabs(lab.ctx.db, lab.labIds),
  );
  const perStep: number[] = [];
  const inStep: number[] = [];
  const checkpoint: number[] = [];
  let started: number | undefined;
  let finished: number | undefined;
  for (const event of events.rows) {
    const at = isoMs(event.created_at);
    if (event.type === 'step_started') {
      if (finished !== undefined) checkpoint.push(at - finished);
      started = at;
    } else {
      if (started !== undefined) inStep.push(at - started);
      if (finished !== undefined) perStep.push(at - finished);
      finished = at;
    }
  }
  if (inStep.length !== steps) throw new Error(`expected ${steps} finished steps, found ${inStep.length}`);
  const totalMs = isoMs(done.finished_at) - isoMs(done.started_at);
  return {
    steps,
    totalMs,
    perStep: summarise(perStep, totalMs / 1000),
    inStep: summarise(inStep, totalMs / 1000),
    checkpoint: summarise(checkpoint, totalMs / 1000),
  };
}
