import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { buildChain, rawShaRate } from './audit-chain.ts';
import { measureWrites, seedSamples, type WriteRun } from './audited-writes.ts';
import { createLabBenchDatabase } from './bench-database.ts';
import { timeVerification, type VerifyRun } from './chain-verification.ts';

// @NOTE sizes are the issue's; BENCH_AUDIT_ENTRIES and BENCH_SECONDS shrink them for a quick look.
const entries = Number(process.env.BENCH_AUDIT_ENTRIES ?? 1_000_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const clients = 32;
// BENCH_AUDIT_PARTS=verify runs the verification part alone (writes: `writes`; default both).
const parts = new Set((process.env.BENCH_AUDIT_PARTS ?? 'writes,verify').split(','));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const fmt = (value: number) => Math.round(value).toLocaleString('en-GB');
const verdict = (met: boolean) => (met ? '**met**' : '**not met**');

const loadAtStart = loadavg()[0]!.toFixed(2);
const database = await createLabBenchDatabase('lab_audit_bench');
const chainDatabase = await createLabBenchDatabase('lab_audit_chain_bench');
try {
  // 1. Audited writes against the same write without its entry, alternating, on the lab_app pool.
  const plain: WriteRun[] = [];
  const audited: WriteRun[] = [];
  const db = parts.has('writes') ? await database.open(clients) : null;
  if (db) {
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
  }

  // 2. Verification of a long chain (a database of its own) against SHA-256 alone over the same bytes.
  // The single-thread walk (PGlite's, and any caller that passes no connection) and the parallel
  // walk over worker threads (BENCH_AUDIT_WORKERS, default: the cores) time the same chain in turn.
  const verifying = parts.has('verify');
  const reader = verifying ? await chainDatabase.open(2) : null;
  const built = performance.now();
  const hashes = verifying ? await buildChain(chainDatabase.adminUrl, entries) : Buffer.alloc(0);
  const buildSeconds = (performance.now() - built) / 1000;
  if (verifying) console.log(`chain of ${fmt(entries)} built in ${buildSeconds.toFixed(1)} s`);
  const raw = verifying ? rawShaRate(hashes, entries) : { perSecond: 0, seconds: 0 };
  const workers = process.env.BENCH_AUDIT_WORKERS ? Number(process.env.BENCH_AUDIT_WORKERS) : undefined;
  const walks: { name: string; run: VerifyRun }[] = [];
  try {
    if (reader) {
      for (const [name, parallel] of [
        ['single thread (page reads)', false],
        [`worker threads (${workers ?? availableParallelism()}, binary COPY)`, true],
      ] as const) {
        const run = await timeVerification(reader, entries, { parallel, workers });
        if (!run.valid || run.checked !== entries) throw new Error('the bench chain did not verify');
        console.log(`${name}: ${fmt(run.perSecond)} entries/s`);
        walks.push({ name, run });
      }
    }
  } finally {
    await reader?.close();
  }

  const plainRate = median(plain.map((run) => run.perSecond));
  const auditedRate = median(audited.map((run) => run.perSecond));
  const writeRatio = auditedRate / plainRate;
  const p = (runs: WriteRun[], key: 'p50Ms' | 'p99Ms') => median(runs.map((run) => run[key])).toFixed(1);
  const verified = walks.at(-1)?.run;
  const heap = verified?.memory.map((m) => m.heapUsedMb) ?? [];
  const rss = verified?.memory.map((m) => m.rssMb) ?? [];
  const report = [
    `Lab audit trail benchmark (PostgreSQL, ${clients} clients, pool ${clients}, ${rounds} rounds x ${seconds} s, chain of ${fmt(entries)}, ${new Date().toISOString()})`,
    '',
    '| measurement | plain / raw | audited / verifier | ratio | targets |',
    '|---|---|---|---|---|',
    ...(db
      ? [
          `| writes/s, median of ${rounds} (rounds: ${plain.map((r) => fmt(r.perSecond)).join(', ')} vs ${audited.map((r) => fmt(r.perSecond)).join(', ')}) | ${fmt(plainRate)} | ${fmt(auditedRate)} | ${writeRatio.toFixed(2)} | ratio ≥ 0.5: ${verdict(writeRatio >= 0.5)}; ≥ 1,000/s: ${verdict(auditedRate >= 1000)} |`,
          `| write latency p50 / p99 (ms) | ${p(plain, 'p50Ms')} / ${p(plain, 'p99Ms')} | ${p(audited, 'p50Ms')} / ${p(audited, 'p99Ms')} | | |`,
        ]
      : []),
    ...walks.map(({ name, run }) => {
      const ratio = run.perSecond / raw.perSecond;
      return `| chain verification, entries/s (${fmt(entries)} entries), ${name} | ${fmt(raw.perSecond)} (SHA-256 alone) | ${fmt(run.perSecond)} (${run.seconds.toFixed(1)} s) | ${ratio.toFixed(2)} | ratio ≥ 0.3: ${verdict(ratio >= 0.3)} |`;
    }),
    '',
    ...(verified
      ? [
          `| verifier memory at (${walks.at(-1)?.name}) | heapUsed (MiB) | RSS (MiB) |`,
          '|---|---|---|',
          ...verified.memory.map(
            (m) => `| ${fmt(m.checked)} checked | ${m.heapUsedMb.toFixed(1)} | ${m.rssMb.toFixed(1)} |`,
          ),
          '',
        ]
      : []),
    `Load average (1 min) at the end: ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores (load ${loadAtStart} at the start).${verified ? ` Verifier memory: heapUsed ${Math.min(...heap).toFixed(0)}-${Math.max(...heap).toFixed(0)} MiB (this thread's heap; workers have their own), RSS ${Math.min(...rss).toFixed(0)}-${Math.max(...rss).toFixed(0)} MiB (the whole process, workers included) across the walk. Chain built in ${buildSeconds.toFixed(1)} s (not part of any figure).` : ''}`,
  ].join('\n');
  console.log(`\n${report}\n`);
  if (process.env.BENCH_OUTPUT) await writeFile(process.env.BENCH_OUTPUT, `${report}\n`);
} finally {
  await Promise.all([database.drop(), chainDatabase.drop()]);
}
