import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type BenchSide, startSide } from './bench-side.ts';
import { checkoutTree, currentCommit, currentTree } from './bench-trees.ts';
import { cpuMeter } from './cpu-meter.ts';
import { type LabClient, type Latency, load } from './lab-client.ts';

// Audited single-sample creation and one-sample reads over HTTP, this tree side by side with
// baselines (`--baseline <git ref>`, repeatable), each from its own worktree on its own database,
// interleaved A/B round by round so the machine's drift falls on every side alike.
const { values } = parseArgs({ options: { baseline: { type: 'string', multiple: true, default: [] } } });
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const poolSize = Number(process.env.BENCH_POOL ?? 20);
const clients = 32;

interface Figure extends Latency {
  /** CPU per request, in ms: the lab server's, and its PostgreSQL backends'. */
  nodeMs: number;
  restMs: number;
}

interface RoundResult {
  create: Figure;
  read: Figure;
  twoLabs: { a: Latency; b: Latency };
}

let sampleNumber = 0;
const sampleBody = (prefix: string) => {
  sampleNumber += 1;
  return JSON.stringify({
    sample_id: `${prefix}-${sampleNumber}`,
    sample_type: 'blood',
    quantity: 2.5,
    unit: 'mL',
    metadata: { visit: sampleNumber % 12, site: 'bench' },
  });
};

const creating = (
  side: BenchSide,
  client: LabClient,
  prefix: string,
  created: string[],
  duration = seconds,
) =>
  load({
    url: side.url,
    headers: client.headers,
    connections: clients,
    seconds: duration,
    method: 'POST',
    next: () => {
      const body = sampleBody(prefix);
      created.push(JSON.parse(body).sample_id);
      return { path: '/api/samples', body };
    },
  });

/**
 * Runs a load after a short warm-up of the same load (so the server's pool is full and its backends
 * known), measuring the CPU the lab server and its database backends spent on it; the machine's other
 * work does not count.
 */
async function measured(side: BenchSide, run: (seconds: number) => Promise<Latency>): Promise<Figure> {
  await run(1);
  const cpu = cpuMeter(side.pid, await side.backendPids());
  const result = await run(seconds);
  const share = cpu();
  const perRequest = (cores: number) => (cores / Math.max(result.perSecond, 1)) * 1000;
  return { ...result, nodeMs: perRequest(share.server), restMs: perRequest(share.database) };
}

async function round(side: BenchSide, n: number): Promise<RoundResult> {
  const createdA: string[] = [];
  const create = await measured(side, (duration) => creating(side, side.labA, `A${n}`, createdA, duration));
  const read = await measured(side, (duration) =>
    load({
      url: side.url,
      headers: side.labA.headers,
      connections: clients,
      seconds: duration,
      // Ids whose create had surely been answered (the last few were in flight when the load stopped).
      next: () => ({
        path: `/api/samples/${createdA[Math.floor(Math.random() * Math.max(1, createdA.length - 2 * clients))]}`,
      }),
    }),
  );
  const [a, b] = await Promise.all([
    creating(side, side.labA, `A${n}x`, []),
    creating(side, side.labB, `B${n}x`, []),
  ]);
  return { create, read, twoLabs: { a, b } };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const fmt = (value: number) => Math.round(value).toLocaleString('en-GB');
const f1 = (value: number) => value.toFixed(1);
const f2 = (value: number) => value.toFixed(2);

const sides: { label: string; dir: string }[] = [
  { label: `this tree (${currentCommit()})`, dir: currentTree },
  ...(values.baseline ?? []).map((ref) => {
    const tree = checkoutTree(ref);
    return { label: `${ref} (${tree.commit.slice(0, 7)})`, dir: tree.dir };
  }),
];
const loadAtStart = loadavg()[0]!.toFixed(2);
const started: BenchSide[] = [];
const results = new Map<string, RoundResult[]>();
try {
  for (const side of sides) {
    started.push(await startSide(side.label, side.dir, poolSize));
    results.set(side.label, []);
  }
  for (let n = 1; n <= rounds; n += 1) {
    // Alternate the order each round: neither side always runs first on a warmer machine.
    const order = n % 2 === 1 ? started : [...started].reverse();
    for (const side of order) {
      const result = await round(side, n);
      results.get(side.label)!.push(result);
      console.log(
        `round ${n} ${side.label}: create ${fmt(result.create.perSecond)}/s p99 ${f1(result.create.p99)} ms` +
          ` (failed ${result.create.failed}), read ${fmt(result.read.perSecond)}/s p99 ${f1(result.read.p99)} ms,` +
          ` two labs ${fmt(result.twoLabs.a.perSecond)} + ${fmt(result.twoLabs.b.perSecond)}/s`,
      );
    }
  }
} finally {
  for (const side of started) await side.close();
}

type Summary = {
  label: string;
  create: { rate: number; p50: number; p99: number; nodeMs: number; restMs: number; failed: number };
  read: { rate: number; p50: number; p99: number; nodeMs: number; restMs: number; failed: number };
  twoLabs: { a: number; b: number; p99: number; failed: number };
};
const summarise = (label: string, runs: RoundResult[]): Summary => {
  const of = (pick: (run: RoundResult) => Figure) => ({
    rate: median(runs.map((run) => pick(run).perSecond)),
    p50: median(runs.map((run) => pick(run).p50)),
    p99: median(runs.map((run) => pick(run).p99)),
    nodeMs: median(runs.map((run) => pick(run).nodeMs)),
    restMs: median(runs.map((run) => pick(run).restMs)),
    failed: runs.reduce((sum, run) => sum + pick(run).failed, 0),
  });
  return {
    label,
    create: of((run) => run.create),
    read: of((run) => run.read),
    twoLabs: {
      a: median(runs.map((run) => run.twoLabs.a.perSecond)),
      b: median(runs.map((run) => run.twoLabs.b.perSecond)),
      p99: median(runs.map((run) => Math.max(run.twoLabs.a.p99, run.twoLabs.b.p99))),
      failed: runs.reduce((sum, run) => sum + run.twoLabs.a.failed + run.twoLabs.b.failed, 0),
    },
  };
};
const summaries = [...results].map(([label, runs]) => summarise(label, runs));
const [ours, ...baselines] = summaries;
const lines = [
  `Run of ${new Date().toISOString()}: ${availableParallelism()} cores, load average ${loadAtStart} at the start, ` +
    `${loadavg()[0]!.toFixed(2)} at the end; ${clients} clients, ${seconds} s per figure, ${rounds} interleaved rounds ` +
    `(medians), lab pool ${poolSize}, PostgreSQL on 127.0.0.1.`,
  '',
  '| side | create req/s | create p50 / p99 (ms) | CPU per create: lab + PostgreSQL (ms) | read req/s | read p50 / p99 (ms) | CPU per read: lab + PostgreSQL (ms) | two labs at once: A + B req/s (p99 ms) | failed |',
  '|---|---|---|---|---|---|---|---|---|',
  ...summaries.map(
    (s) =>
      `| ${s.label} | ${fmt(s.create.rate)} | ${f1(s.create.p50)} / ${f1(s.create.p99)} | ${f2(s.create.nodeMs)} + ${f2(s.create.restMs)} | ${fmt(s.read.rate)} | ${f1(s.read.p50)} / ${f1(s.read.p99)} | ${f2(s.read.nodeMs)} + ${f2(s.read.restMs)} | ${fmt(s.twoLabs.a)} + ${fmt(s.twoLabs.b)} (${f1(s.twoLabs.p99)}) | ${s.create.failed + s.read.failed + s.twoLabs.failed} |`,
  ),
  '',
  ...(ours
    ? baselines.map(
        (base) =>
          `Against ${base.label}: create ${f2(ours.create.rate / base.create.rate)}× the throughput (target ≥ 2), ` +
          `p99 ${f2(ours.create.p99 / base.create.p99)} of it (target ≤ 0.5); read ${f2(ours.read.rate / base.read.rate)}× ` +
          `(target ≥ 1.5); two labs together ${f2((ours.twoLabs.a + ours.twoLabs.b) / (base.twoLabs.a + base.twoLabs.b))}×.`,
      )
    : []),
];
console.log(lines.join('\n'));
if (process.env.BENCH_OUTPUT) await writeFile(process.env.BENCH_OUTPUT, `${lines.join('\n')}\n`);
