import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { buildChain, rawShaRate } from './audit-chain.ts';
import { measureWrites, seedSamples, type WriteRun } from './audited-writes.ts';
import { createLabBenchDatabase } from './bench-database.ts';
import { timeVerification } from './chain-verification.ts';

// @NOTE sizes are the issue's; BENCH_AUDIT_ENTRIES and BENCH_SECONDS shrink them for a quick look.
const entries = Number(process.env.BENCH_AUDIT_ENTRIES ?? 1_000_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const clients = 32;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const fmt = (value: number) => Math.round(value).toLocaleString('en-GB');
const verdict = (met: boolean) => (met ? '**met**' : '**not met**');

const loadAtStart = loadavg()[0]!.toFixed(2);
const database = await createLabBenchDatabase('lab_audit_bench');
const chainDatabase = await createLabBenchDatabase('lab_audit_chain_bench');
try {
  // 1. Audited writes against the same write without its entry, alternating, on the lab_app pool.
  const db = await database.open(clients);
  const plain: WriteRun[] = [];
  const audited: WriteRun[] = [];
  try {
    await seedSamples(database.adminUrl);
    await measureWrites(db, true, clients, 1); // warm-up: connections, plans, JIT
    await measureWrites(db, false, clients, 1);
    for (let round = 0; round < rounds; round += 1) {
      plain.push(await measureWrites(db, false, clients, seconds));
      audited.push(await measureWrites(db, true, clients, seconds));
      console.log(
        `round ${round + 1}: plain ${fmt(plain.at(-1)!.perSecond)}/s, audited ${fmt(audited.at(-1)!.perSecond)}/s`,
      );
    }
  } finally {
    await db.close();
  }

  // 2. Verification of a long chain (a database of its own) against SHA-256 alone over the same bytes.
  const reader = await chainDatabase.open(2);
  const built = performance.now();
  const hashes = await buildChain(chainDatabase.adminUrl, entries);
  const buildSeconds = (performance.now() - built) / 1000;
  console.log(`chain of ${fmt(entries)} built in ${buildSeconds.toFixed(1)} s`);
  const raw = rawShaRate(hashes, entries);
  const verified = await timeVerification(reader, entries).finally(() => reader.close());
  if (!verified.valid || verified.checked !== entries) throw new Error('the bench chain did not verify');

  const plainRate = median(plain.map((run) => run.perSecond));
  const auditedRate = median(audited.map((run) => run.perSecond));
  const writeRatio = auditedRate / plainRate;
  const verifyRatio = verified.perSecond / raw.perSecond;
  const p = (runs: WriteRun[], key: 'p50Ms' | 'p99Ms') => median(runs.map((run) => run[key])).toFixed(1);
  const heap = verified.memory.map((m) => m.heapUsedMb);
  const rss = verified.memory.map((m) => m.rssMb);
  const report = [
    `Lab audit trail benchmark (PostgreSQL, ${clients} clients, pool ${clients}, ${rounds} rounds x ${seconds} s, chain of ${fmt(entries)}, ${new Date().toISOString()})`,
    '',
    '| measurement | plain / raw | audited / verifier | ratio | targets |',
    '|---|---|---|---|---|',
    `| writes/s, median of ${rounds} (rounds: ${plain.map((r) => fmt(r.perSecond)).join(', ')} vs ${audited.map((r) => fmt(r.perSecond)).join(', ')}) | ${fmt(plainRate)} | ${fmt(auditedRate)} | ${writeRatio.toFixed(2)} | ratio ≥ 0.5: ${verdict(writeRatio >= 0.5)}; ≥ 1,000/s: ${verdict(auditedRate >= 1000)} |`,
    `| write latency p50 / p99 (ms) | ${p(plain, 'p50Ms')} / ${p(plain, 'p99Ms')} | ${p(audited, 'p50Ms')} / ${p(audited, 'p99Ms')} | | |`,
    `| chain verification, entries/s (${fmt(entries)} entries) | ${fmt(raw.perSecond)} (SHA-256 alone) | ${fmt(verified.perSecond)} (${verified.seconds.toFixed(1)} s) | ${verifyRatio.toFixed(2)} | ratio ≥ 0.3: ${verdict(verifyRatio >= 0.3)} |`,
    '',
    '| verifier memory at | heapUsed (MiB) | RSS (MiB) |',
    '|---|---|---|',
    ...verified.memory.map(
      (m) => `| ${fmt(m.checked)} checked | ${m.heapUsedMb.toFixed(1)} | ${m.rssMb.toFixed(1)} |`,
    ),
    '',
    `Load average (1 min) at the end: ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores (load ${loadAtStart} at the start). Verifier memory: heapUsed ${Math.min(...heap).toFixed(0)}-${Math.max(...heap).toFixed(0)} MiB, RSS ${Math.min(...rss).toFixed(0)}-${Math.max(...rss).toFixed(0)} MiB across the walk. Chain built in ${buildSeconds.toFixed(1)} s (not part of any figure).`,
  ].join('\n');
  console.log(`\n${report}\n`);
  if (process.env.BENCH_OUTPUT) await writeFile(process.env.BENCH_OUTPUT, `${report}\n`);
} finally {
  await Promise.all([database.drop(), chainDatabase.drop()]);
}
