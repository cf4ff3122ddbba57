import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { createLabBenchDatabase } from './bench-database.ts';
import { benchPassword, createBenchUsers } from './bench-users.ts';
import { type Latency, signIn } from './lab-client.ts';
import { startLabServer } from './lab-server.ts';
import { measureConsume } from './lot-consume-load.ts';
import { measureBulkCreate } from './sample-bulk-create.ts';
import { measureLineage } from './sample-lineage.ts';
import { listMixes, measureLists } from './sample-list-load.ts';
import { seedLabSamples } from './sample-seeding.ts';

// @NOTE sizes are the issue's; BENCH_SAMPLES and BENCH_SECONDS shrink them for a quick look.
const samples = Number(process.env.BENCH_SAMPLES ?? 1_000_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const poolSize = Number(process.env.BENCH_POOL ?? 20);
const listClients = 20;
const consumeClients = 32;
const listTargetMs = 25;

const fmt = (value: number) => Math.round(value).toLocaleString('en-GB');
const ms = (value: number) => value.toFixed(1);
const verdict = (met: boolean) => (met ? '**met**' : '**not met**');
const row = (name: string, clients: number, run: Latency, rate: string, target = '') =>
  `| ${name} | ${clients} | ${ms(run.p50)} | ${ms(run.p99)} | ${rate} | ${fmt(run.count)} | ${run.failed} | ${target} |`;

const loadAtStart = loadavg()[0]!.toFixed(2);
const database = await createLabBenchDatabase('lab_samples_bench');
try {
  const [scientist] = await createBenchUsers(database, [
    { email: 'scientist@bench.test', full_name: 'Bench Scientist', roles: ['scientist'] },
    { email: 'technician@bench.test', full_name: 'Bench Technician', roles: ['technician'] },
  ]);

  const seedStarted = performance.now();
  const seeded = await seedLabSamples(database.adminUrl, samples, scientist!.id);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  console.log(`seeded ${fmt(samples)} samples in ${seedSeconds.toFixed(0)} s`);

  const server = await startLabServer(database.adminUrl, poolSize);
  try {
    const sci = await signIn(server.url, 'scientist@bench.test', benchPassword);
    const lists = await measureLists(sci, server.url, listMixes(seeded, samples), {
      clients: listClients,
      seconds,
      singleCalls: 200,
      serverPid: server.pid,
    });
    const lineage = await measureLineage(sci, { levels: 5, branching: 3, calls: 200 });
    const bulk = await measureBulkCreate(sci, database.adminUrl, seeded, {
      size: 100,
      calls: 50,
      clients: 4,
    });
    const tech = await signIn(server.url, 'technician@bench.test', benchPassword);
    const consume = await measureConsume(tech, server.url, database.adminUrl, {
      clients: consumeClients,
      seconds,
    });

    const listMet = lists.every((run) => run.loaded.p99 <= listTargetMs && run.loaded.failed === 0);
    const perSecond = (run: Latency) => `${fmt(run.perSecond)} req/s`;
    const report = [
      `Lab records benchmark (PostgreSQL, ${fmt(samples)} samples in the default lab, lab server in its own process with a pool of ${poolSize}, load runs of ${seconds} s after a 2 s warm-up, ${new Date().toISOString()})`,
      '',
      '| measurement | clients | p50 (ms) | p99 (ms) | throughput | calls | failed | target |',
      '|---|---|---|---|---|---|---|---|',
      ...lists.flatMap((run) => [
        row(
          `list page: ${run.mix} (${Math.round(run.itemsSeen)} items/page)`,
          1,
          run.single,
          perSecond(run.single),
        ),
        row(
          `list page: ${run.mix}`,
          listClients,
          run.loaded,
          perSecond(run.loaded),
          `p99 ≤ ${listTargetMs} ms: ${verdict(run.loaded.p99 <= listTargetMs)}`,
        ),
      ]),
      row(
        `lineage depth ${lineage.levels}: root (${lineage.descendants} descendants)`,
        1,
        lineage.root,
        perSecond(lineage.root),
      ),
      row(
        `lineage depth ${lineage.levels}: leaf (${lineage.levels} ancestors)`,
        1,
        lineage.leaf,
        perSecond(lineage.leaf),
      ),
      row(
        `split into 3 aliquots (building the tree: ${lineage.splits.count} splits)`,
        1,
        lineage.splits,
        perSecond(lineage.splits),
      ),
      row(
        'bulk create of 100 samples, audited',
        1,
        bulk.sequential,
        `${fmt(bulk.sequential.perSecond * 100)} samples/s`,
      ),
      row(
        'bulk create of 100 samples, audited',
        bulk.clients,
        bulk.concurrent,
        `${fmt(bulk.concurrent.perSecond * 100)} samples/s`,
      ),
      row(
        'consume from one hot lot',
        consumeClients,
        consume.loaded,
        `${fmt(consume.loaded.perSecond)} consumes/s`,
        'ledger = stock, no oversell: **met**',
      ),
      '',
      `| CPU during the ${listClients}-client list runs (cores of ${availableParallelism()}) | lab server (Node) | load generator (autocannon) | PostgreSQL and everything else |`,
      '|---|---|---|---|',
      ...lists.map(
        (run) =>
          `| ${run.mix} | ${run.cpu.server.toFixed(2)} | ${run.cpu.bench.toFixed(2)} | ${run.cpu.rest.toFixed(2)} |`,
      ),
      '',
      `Filtered list p99 ≤ ${listTargetMs} ms at ${listClients} clients on every mix: ${verdict(listMet)}. Ledger after the hot-lot run: ${fmt(consume.consumed)} consumptions, lot remaining = received − consumed = sum of its ledger, item stock = sum of its ledger, every balance distinct, every consumption audited. Drain: a lot of ${consume.drained.capacity} consumed 1 at a time by ${consumeClients} clients: ${consume.drained.successes} succeeded, ${consume.drained.refused} refused with insufficient_stock, 0 left.`,
      '',
      `Load average (1 min) at the end: ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores (load ${loadAtStart} at the start). Seeding ${fmt(samples)} samples took ${seedSeconds.toFixed(0)} s (not part of any figure). Command: \`npm run bench -w @ours/lab\` (= \`node bench/samples.bench.ts\` after the audit bench).`,
    ].join('\n');
    console.log(`\n${report}\n`);
    if (process.env.BENCH_OUTPUT) await writeFile(process.env.BENCH_OUTPUT, `${report}\n`);
  } finally {
    await server.stop();
  }
} finally {
  await database.drop();
}
