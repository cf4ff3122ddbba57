import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import pg from 'pg';
import { createLabBenchDatabase, keptLabBenchDatabase, labBackendPids } from './bench-database.ts';
import { benchPassword, createBenchUsers } from './bench-users.ts';
import { type Latency, signIn } from './lab-client.ts';
import { startLabServer } from './lab-server.ts';
import { measureConsume } from './lot-consume-load.ts';
import { measureBulkCreate } from './sample-bulk-create.ts';
import { measureLineage } from './sample-lineage.ts';
import { type ListRun, listMixes, measureLists } from './sample-list-load.ts';
import { readSeededLab, seedLabSamples } from './sample-seeding.ts';

// @NOTE sizes are the issue's; BENCH_SAMPLES and BENCH_SECONDS shrink them for a quick look.
const samples = Number(process.env.BENCH_SAMPLES ?? 1_000_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const poolSize = Number(process.env.BENCH_POOL ?? 20);
const listClients = 20;
const consumeClients = 32;
const listTargetMs = 25;
// @NOTE for iterating on one part: BENCH_KEEP_DATABASE=<name> seeds that database once and reuses it
// on later runs (never dropped); BENCH_ONLY=lists runs the list pages alone (no writes to the data).
const keptDatabase = process.env.BENCH_KEEP_DATABASE;
const listsOnly = process.env.BENCH_ONLY === 'lists';

const fmt = (value: number) => Math.round(value).toLocaleString('en-GB');
const ms = (value: number) => value.toFixed(1);
const verdict = (met: boolean) => (met ? '**met**' : '**not met**');
const row = (name: string, clients: number, run: Latency, rate: string, target = '') =>
  `| ${name} | ${clients} | ${ms(run.p50)} | ${ms(run.p99)} | ${rate} | ${fmt(run.count)} | ${run.failed} | ${target} |`;

const loadAtStart = loadavg()[0]!.toFixed(2);
const database = keptDatabase
  ? await keptLabBenchDatabase(keptDatabase)
  : { ...(await createLabBenchDatabase('lab_samples_bench')), fresh: true };
try {
  const seedStarted = performance.now();
  const seeded = database.fresh
    ? await createAndSeed().catch(async (error: unknown) => {
        if (keptDatabase) await dropKept(database.adminUrl, keptDatabase);
        throw error;
      })
    : await readSeededLab(database.adminUrl);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  console.log(`seeded ${fmt(samples)} samples in ${seedSeconds.toFixed(0)} s`);

  const server = await startLabServer(database.adminUrl, poolSize);
  try {
    const sci = await signInPatiently(server.url, 'scientist@bench.test');
    const lists = await measureLists(sci, server.url, listMixes(seeded, samples), {
      clients: listClients,
      seconds,
      singleCalls: 200,
      serverPid: server.pid,
      databasePids: () => labBackendPids(database.adminUrl),
    });
    if (listsOnly) {
      const report = [
        `Lab list pages (PostgreSQL, ${fmt(samples)} samples, pool of ${poolSize}, ${seconds} s runs, ${new Date().toISOString()}, load ${loadAtStart} at the start, ${loadavg()[0]!.toFixed(2)} at the end)`,
        '',
        ...listTable(lists),
      ].join('\n');
      console.log(`\n${report}\n`);
      if (process.env.BENCH_OUTPUT) await writeFile(process.env.BENCH_OUTPUT, `${report}\n`);
    } else {
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
    }
  } finally {
    await server.stop();
  }
} finally {
  await database.drop();
}

async function createAndSeed() {
  const [scientist] = await createBenchUsers(database, [
    { email: 'scientist@bench.test', full_name: 'Bench Scientist', roles: ['scientist'] },
    { email: 'technician@bench.test', full_name: 'Bench Technician', roles: ['technician'] },
  ]);
  return seedLabSamples(database.adminUrl, samples, scientist!.id);
}

async function dropKept(adminUrl: string, name: string) {
  const url = new URL(adminUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => client.end());
}

/** The list rows alone, with what a page costs in CPU (ms of a core per page, from the /proc shares). */
function listTable(lists: ListRun[]): string[] {
  const perPage = (cores: number, run: ListRun) => ((cores / run.loaded.perSecond) * 1000).toFixed(2);
  return [
    `| list page | alone p50 (ms) | ${listClients} clients p50 / p99 (ms) | req/s | failed | CPU per page (ms): lab server | its PostgreSQL backends | load generator | machine busy (cores of ${availableParallelism()}) |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...lists.map(
      (run) =>
        `| ${run.mix} | ${ms(run.single.p50)} | ${ms(run.loaded.p50)} / ${ms(run.loaded.p99)} | ${fmt(run.loaded.perSecond)} | ${run.loaded.failed} | ${perPage(run.cpu.server, run)} | ${perPage(run.cpu.database, run)} | ${perPage(run.cpu.bench, run)} | ${(run.cpu.server + run.cpu.bench + run.cpu.rest).toFixed(2)} |`,
    ),
  ];
}

/** Signs in, retrying while a just-started server on a busy machine sheds load (503 server_busy). */
async function signInPatiently(url: string, email: string) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await signIn(url, email, benchPassword);
    } catch (error) {
      if (attempt >= 10 || !String(error).includes('503')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
