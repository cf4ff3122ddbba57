import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createLabBenchDatabase } from './bench-database.ts';
import type { Latency } from './lab-client.ts';
import { labCpu, openPgliteBenchDatabase, type RunBenchLab, startRunBenchLab } from './run-bench-lab.ts';
import { type EngineOverhead, measureEngineOverhead } from './run-engine-overhead.ts';
import { measureEventFanout } from './run-event-fanout.ts';
import { measureInterlockTrips } from './run-interlock-trips.ts';
import { measureSpectra } from './run-spectra-load.ts';

// @NOTE sizes are issue 10's; --seconds shortens the spectra run (and the live-events run with it)
// for a quick look, --trips the interlock trips. --json <file> writes the figures as JSON, and
// BENCH_OUTPUT=<file> the report (as the other lab benches do).
const { values: args } = parseArgs({
  options: { seconds: { type: 'string' }, trips: { type: 'string' }, json: { type: 'string' } },
});
const seconds = Number(args.seconds ?? 60);
const trips = Number(args.trips ?? 50);
if (!(seconds > 0) || !Number.isInteger(trips) || trips < 1) throw new Error('--seconds > 0, --trips ≥ 1');
const steps = 1_000;
const spectraRuns = 20;
const acquisitionS = 0.1;
const subscribers = 100;
const eventSeconds = Math.min(20, seconds);
const poolSize = Number(process.env.BENCH_POOL ?? 10);
const target = { stepP50: 2, overheadP99: 50, tripP99: 250, deliveryP99: 100 };

const ms = (value: number) => value.toFixed(1);
const fmt = (value: number) => Math.round(value).toLocaleString('en-GB');
const verdict = (met: boolean) => (met ? '**met**' : '**not met**');
const row = (name: string, run: Latency, goal = '') =>
  `| ${name} | ${ms(run.p50)} | ${ms(run.p99)} | ${ms(run.max)} | ${fmt(run.count)} | ${goal} |`;

async function engineOn(lab: RunBenchLab) {
  const cpu = labCpu();
  const result = await measureEngineOverhead(lab, steps);
  return { ...result, cpu: cpu() };
}

/** Every figure on a throwaway PostgreSQL database (created, migrated, dropped at the end, also on failure). */
async function onPostgres() {
  const database = await createLabBenchDatabase('lab_runs_bench');
  try {
    const lab = await startRunBenchLab(await database.open(poolSize));
    try {
      const engine = await engineOn(lab);
      console.log(`engine, PostgreSQL: ${steps} steps, p50 ${ms(engine.perStep.p50)} ms a step`);
      const spectra = await measureSpectra(lab, { runs: spectraRuns, seconds, acquisitionS });
      console.log(`spectra: ${spectra.produced} produced, ${spectra.stored} stored`);
      const interlock = await measureInterlockTrips(lab, trips);
      console.log(`interlock: p99 ${ms(interlock.reaction.p99)} ms over ${interlock.trips} trips`);
      const events = await measureEventFanout(lab, { subscribers, seconds: eventSeconds, acquisitionS });
      console.log(`events: p99 ${ms(events.latency.p99)} ms, ${events.complete}/${subscribers} complete`);
      return { engine, spectra, interlock, events };
    } finally {
      await lab.close();
    }
  } finally {
    await database.drop();
  }
}

/** The engine figure on the embedded default: PGlite in a directory of its own, removed at the end. */
async function onPglite() {
  const embedded = await openPgliteBenchDatabase();
  try {
    const lab = await startRunBenchLab(embedded.db);
    try {
      const engine = await engineOn(lab);
      console.log(`engine, PGlite: ${steps} steps, p50 ${ms(engine.perStep.p50)} ms a step`);
      return engine;
    } finally {
      await lab.close();
    }
  } finally {
    await embedded.drop();
  }
}

const loadAtStart = loadavg()[0]!;
const startedAt = new Date().toISOString();
const { engine, spectra, interlock, events } = await onPostgres();
const pglite = await onPglite();
const loadAtEnd = loadavg()[0]!;
const perSpectrum = spectra.storage.totalBytes / spectra.storage.rows;
const met = {
  stepP50: engine.perStep.p50 <= target.stepP50,
  noFrameLost: spectra.produced === spectra.stored,
  overheadP99: spectra.overhead.p99 <= target.overheadP99,
  tripP99: interlock.reaction.p99 <= target.tripP99,
  deliveryP99: events.latency.p99 <= target.deliveryP99,
  everyEvent: events.complete === subscribers,
};
const engineRows = (name: string, run: EngineOverhead, goal: string) => [
  row(`${name}: per step (between consecutive step_finished transactions)`, run.perStep, goal),
  row(`${name}: of which step_started → step_finished (event, the 0 s wait)`, run.inStep),
  row(`${name}: of which step_finished → next step_started (checkpoint, engine)`, run.checkpoint),
];
const cpuRow = (name: string, cpu: { lab: number; rest: number }, subscriberCores = '') =>
  `| ${name} | ${cpu.lab.toFixed(2)} | ${subscriberCores} | ${cpu.rest.toFixed(2)} |`;
const report = [
  `Workflow engine benchmark (issue 10; lab in the bench process with a pool of ${poolSize}, PostgreSQL 15 on 127.0.0.1; ${startedAt})`,
  '',
  '| measurement | p50 (ms) | p99 (ms) | max (ms) | samples | target |',
  '|---|---|---|---|---|---|',
  ...engineRows(
    `${fmt(steps)} zero-second waits, PostgreSQL`,
    engine,
    `p50 ≤ ${target.stepP50} ms: ${verdict(met.stepP50)}`,
  ),
  ...engineRows(`${fmt(steps)} zero-second waits, PGlite`, pglite, ''),
  row(
    `${spectraRuns} runs of spectra (${acquisitionS} s each) for ${seconds} s: overhead between acquisitions`,
    spectra.overhead,
    `p99 ≤ ${target.overheadP99} ms: ${verdict(met.overheadP99)}`,
  ),
  row(
    `interlock: door opened → all 4 outputs at 0 V (poll ${interlock.pollMs} ms), ${interlock.trips} trips`,
    interlock.reaction,
    `p99 ≤ ${target.tripP99} ms: ${verdict(met.tripP99)}`,
  ),
  row(
    `live events over HTTP, ${subscribers} SSE subscribers, ${eventSeconds} s of spectra: receive − at`,
    events.latency,
    `p99 ≤ ${target.deliveryP99} ms: ${verdict(met.deliveryP99)}`,
  ),
  row('of which data events (spectrum values included)', events.dataLatency),
  '',
  '| figure | value |',
  '|---|---|',
  `| ${fmt(steps)}-step run, started → finished | PostgreSQL ${ms(engine.totalMs / 1000)} s (${ms(engine.totalMs / steps)} ms a step), PGlite ${ms(pglite.totalMs / 1000)} s (${ms(pglite.totalMs / steps)} ms a step) |`,
  `| spectra produced (counted in the driver) / stored (run_data rows) | ${fmt(spectra.produced)} / ${fmt(spectra.stored)}: none lost ${verdict(met.noFrameLost)} |`,
  `| spectra per run per second (${1 / acquisitionS} ideal) | ${spectra.ratePerRun.toFixed(2)} |`,
  `| database bytes per spectrum (run_data with TOAST and indexes / rows) | ${fmt(perSpectrum)} (raw values 4,096; heap ${fmt(spectra.storage.heapBytes / spectra.storage.rows)}, TOAST ${fmt(spectra.storage.toastBytes / spectra.storage.rows)}, indexes ${fmt(spectra.storage.indexBytes / spectra.storage.rows)}; ${fmt(spectra.storage.rows)} rows) |`,
  `| live events: events in the run / subscribers that got all of them in order | ${fmt(events.events)} / ${events.complete} of ${subscribers} ${verdict(met.everyEvent)} (${fmt(events.deliveries)} deliveries) |`,
  '',
  `| CPU (cores of ${availableParallelism()}) | lab process (server and runs) | SSE subscribers (child) | PostgreSQL and everything else |`,
  '|---|---|---|---|',
  cpuRow('1,000 waits, PostgreSQL', engine.cpu),
  cpuRow('1,000 waits, PGlite (in the lab process)', pglite.cpu),
  cpuRow(`${spectraRuns} spectra runs`, spectra.cpu),
  cpuRow('interlock trips', interlock.cpu),
  cpuRow(`${subscribers} subscribers`, events.cpu, events.cpu.subscribers.toFixed(2)),
  '',
  "Per-step times are the start times of the transactions that wrote the events (`now()`, microseconds on PostgreSQL; PGlite stamps whole milliseconds). The spectra overhead and the interlock reaction are timed in this process; delivery latency is a subscriber's receive time minus the event's `at`, on the same clock.",
  '',
  `Load average (1 min): ${loadAtStart.toFixed(2)} at the start, ${loadAtEnd.toFixed(2)} at the end, on ${availableParallelism()} cores. Command: \`node apps/lab/bench/runs.bench.ts\` (part of \`npm run bench -w @ours/lab\`).`,
].join('\n');
console.log(`\n${report}\n`);
if (process.env.BENCH_OUTPUT) await writeFile(process.env.BENCH_OUTPUT, `${report}\n`);
if (args.json) {
  const machine = { cores: availableParallelism(), loadAtStart, loadAtEnd };
  const figures = { engine: { postgres: engine, pglite }, spectra, interlock, events };
  const json = { startedAt, machine, poolSize, targets: target, met, ...figures };
  await writeFile(args.json, `${JSON.stringify(json, null, 2)}\n`);
}
