import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DatabaseConnection } from '@ours/platform/db';
import { sql } from 'kysely';
import type { LabExecutor } from '../../db/lab-database.ts';
import { auditHead, auditPage, sealedFromSeq } from './audit.repository.ts';
import { auditHash, auditMacValid, genesisHash } from './audit-hash.ts';
import type { AuditRange, RangeResult } from './audit-range.ts';
import type { RangeWorkerData, RangeWorkerMessage } from './audit-verify.worker.ts';
import { hashAt, latestCheckpoint } from './checkpoint.repository.ts';
import { checkpointSignatureValid } from './checkpoint-signer.ts';

export interface ChainVerification {
  valid: boolean;
  checked: number;
  first_invalid_seq: number | null;
  reason: string | null;
  head_hash: string;
  last_checkpoint: { seq: number; signed_at: string; key_id: string } | null;
}

/**
 * Walking a long chain in parallel: on PostgreSQL, seq ranges are walked by worker threads, each on its
 * own connection inside the verifying transaction's snapshot (exported with `pg_export_snapshot`), as
 * the transaction's role, reading its range with a binary COPY; the joins between ranges are checked
 * here. Without it (or on PGlite, which no other thread can reach) the walk runs in this thread.
 */
export interface ParallelOptions {
  /** How to reach the transaction's database from another client (`db.connection`). */
  connection?: DatabaseConnection | undefined;
  /** Worker threads (default: the cores available, at most 4). */
  workers?: number | undefined;
  /**
   * Walks shorter than this stay in this thread (default 50,000): a worker takes a few hundred
   * milliseconds to load its modules and connect (0.5-0.6 s measured on a loaded 2-core machine).
   */
  parallelFrom?: number | undefined;
}

export interface VerifyOptions extends ParallelOptions {
  /** The server's key that seals entries (see `auditMacKey`). */
  macKey: KeyObject;
  /** Public keys checkpoints may be signed with (current and rotated-out ones). */
  publicKeysPem?: string[];
  onProgress?: (checked: number) => void;
}

/** Where a walk of the chain ended: at the end, or at the first entry that is wrong. */
export interface SegmentResult {
  checked: number;
  last_seq: number;
  last_hash: string;
  broken: { seq: number; reason: string } | null;
}

const pageSize = 1_000;

/**
 * Walks the chain after entry `afterSeq` (whose hash is `afterHash`) to its end (or `throughSeq`),
 * streaming (memory stays flat however long it is): every seq follows the last without a gap, links to
 * the previous hash, hashes to what it says, and from `sealedFrom` on carries the server's seal. With a
 * PostgreSQL `connection`, a long walk is split over worker threads (see `ParallelOptions`); otherwise
 * (and on PGlite) it reads a page at a time in this thread. Both give the same result.
 */
export async function verifySegment(
  tx: LabExecutor,
  start: { afterSeq: number; afterHash: string },
  options: SegmentOptions,
): Promise<SegmentResult> {
  if (options.connection?.kind === 'postgres') {
    const parallel = await verifyInParallel(tx, start, options, options.connection.url);
    if (parallel) return parallel;
  }
  return verifyInProcess(tx, start, options);
}

export interface SegmentOptions extends ParallelOptions {
  macKey: KeyObject;
  sealedFrom: number;
  /** Stop after this entry (a head read earlier): later appends are another walk's business. */
  throughSeq?: number;
  onProgress?: ((checked: number) => void) | undefined;
}

async function verifyInProcess(
  tx: LabExecutor,
  start: { afterSeq: number; afterHash: string },
  options: SegmentOptions,
): Promise<SegmentResult> {
  let expected = start.afterSeq + 1;
  let previous = start.afterHash;
  let checked = 0;
  const stop = (seq: number, reason: string): SegmentResult => ({
    checked,
    last_seq: expected - 1,
    last_hash: previous,
    broken: { seq, reason },
  });
  for (;;) {
    const page = await auditPage(tx, expected - 1, pageSize, options.throughSeq);
    for (const entry of page) {
      if (entry.seq !== expected) return stop(expected, `entry ${expected} is missing`);
      if (entry.prev_hash !== previous) return stop(entry.seq, 'does not link to the previous entry');
      if (auditHash(entry) !== entry.hash) return stop(entry.seq, 'content does not match its hash');
      if (entry.seq >= options.sealedFrom && !auditMacValid(options.macKey, entry.hash, entry.mac)) {
        return stop(entry.seq, 'is not sealed by this server (written without its key)');
      }
      previous = entry.hash;
      expected += 1;
      checked += 1;
    }
    options.onProgress?.(start.afterSeq + checked);
    if (page.length < pageSize) break;
  }
  return { checked, last_seq: expected - 1, last_hash: previous, broken: null };
}

/**
 * Walks the whole chain from genesis (see `verifySegment`); the chain must end where the head says
 * it does, and still hold the latest signed checkpoint. Read-only.
 */
export async function verifyChain(tx: LabExecutor, options: VerifyOptions): Promise<ChainVerification> {
  const checkpoint = await latestCheckpoint(tx);
  const lastCheckpoint = checkpoint
    ? { seq: checkpoint.seq, signed_at: checkpoint.signed_at, key_id: checkpoint.key_id }
    : null;
  const segment = await verifySegment(
    tx,
    { afterSeq: 0, afterHash: genesisHash },
    {
      macKey: options.macKey,
      sealedFrom: await sealedFromSeq(tx),
      onProgress: options.onProgress,
      connection: options.connection,
      workers: options.workers,
      parallelFrom: options.parallelFrom,
    },
  );
  const fail = (seq: number, reason: string): ChainVerification => ({
    valid: false,
    checked: segment.checked,
    first_invalid_seq: seq,
    reason,
    head_hash: segment.last_hash,
    last_checkpoint: lastCheckpoint,
  });
  if (segment.broken) return fail(segment.broken.seq, segment.broken.reason);
  const head = await auditHead(tx);
  if (head.seq !== segment.last_seq || head.hash !== segment.last_hash) {
    return fail(
      segment.last_seq + 1,
      `the head says the chain ends at ${head.seq}, but it ends at ${segment.last_seq}`,
    );
  }
  if (checkpoint) {
    // The signed checkpoint catches what the head alone cannot: a chain cut short or rebuilt, head and all.
    if (!checkpointSignatureValid(checkpoint, options.publicKeysPem ?? [])) {
      return fail(checkpoint.seq, 'the latest checkpoint signature is not valid');
    }
    if ((await hashAt(tx, checkpoint.seq, genesisHash)) !== checkpoint.head_hash) {
      return fail(
        Math.min(checkpoint.seq, segment.last_seq + 1),
        `the chain does not match the checkpoint signed at entry ${checkpoint.seq}`,
      );
    }
  }
  return {
    valid: true,
    checked: segment.checked,
    first_invalid_seq: null,
    reason: null,
    head_hash: segment.last_hash,
    last_checkpoint: lastCheckpoint,
  };
}

const defaultParallelFrom = 50_000;
const progressEvery = 10_000;

/**
 * The walk of `verifySegment` split into seq ranges over worker threads (see `ParallelOptions`), or
 * undefined when the walk is too short to be worth it. Same result as the walk in this thread: the
 * earliest wrong entry wins, whichever range found it, and a range's first entry must link to the
 * last entry of the range before (the join, checked before that entry's own hash and seal).
 */
async function verifyInParallel(
  tx: LabExecutor,
  start: { afterSeq: number; afterHash: string },
  options: SegmentOptions,
  url: string,
): Promise<SegmentResult | undefined> {
  const workers = Math.max(1, Math.floor(options.workers ?? Math.min(availableParallelism(), 4)));
  // One statement, one snapshot: the ranges are planned from the rows the workers will see.
  const through = options.throughSeq ?? Number.MAX_SAFE_INTEGER;
  const plan = await sql<{ snapshot: string; role: string; last: number | null; encoding: string }>`
    select pg_export_snapshot() as snapshot, current_user as role,
      current_setting('server_encoding') as encoding,
      (select max(seq) from audit_entries where seq > ${start.afterSeq} and seq <= ${through}) as last`
    .execute(tx)
    .then((result) => result.rows[0]);
  // The COPY reader hashes the row's bytes as UTF-8: a database in another encoding is walked here.
  if (!plan || plan.last === null || plan.encoding !== 'UTF8') return undefined;
  const span = plan.last - start.afterSeq;
  if (span < (options.parallelFrom ?? defaultParallelFrom) || span < workers) return undefined;
  const ranges: AuditRange[] = [];
  for (let k = 0; k < workers; k += 1) {
    const last = k === workers - 1;
    ranges.push({
      afterSeq: start.afterSeq + Math.floor((span * k) / workers),
      throughSeq: last
        ? (options.throughSeq ?? null)
        : start.afterSeq + Math.floor((span * (k + 1)) / workers),
      afterHash: k === 0 ? start.afterHash : null,
      complete: !last,
      sealedFrom: options.sealedFrom,
    });
  }
  const macKey = new Uint8Array(options.macKey.export());
  const counts = ranges.map(() => 0);
  const report = () => options.onProgress?.(start.afterSeq + counts.reduce((sum, n) => sum + n, 0));
  const threads: (Worker | null)[] = [];
  const outcomes = await new Promise<(RangeResult | Error | null)[]>((resolve) => {
    const outcomes: (RangeResult | Error | null | undefined)[] = ranges.map(() => undefined);
    const settle = (k: number, outcome: RangeResult | Error) => {
      if (outcomes[k] !== undefined) return;
      outcomes[k] = outcome;
      void threads[k]?.terminate();
      threads[k] = null;
      // A wrong entry (or a failure) in range k makes every later range irrelevant.
      if (outcome instanceof Error || outcome.broken) {
        for (let j = k + 1; j < ranges.length; j += 1) {
          if (outcomes[j] === undefined) {
            outcomes[j] = null;
            void threads[j]?.terminate();
            threads[j] = null;
          }
        }
      }
      if (outcomes.every((o) => o !== undefined)) resolve(outcomes as (RangeResult | Error | null)[]);
    };
    ranges.forEach((range, k) => {
      const workerData: RangeWorkerData = {
        url,
        role: plan.role,
        snapshot: plan.snapshot,
        range,
        macKey,
        progressEvery,
      };
      const thread = new Worker(new URL('./audit-verify.worker.ts', import.meta.url), { workerData });
      threads[k] = thread;
      thread.on('message', (message: RangeWorkerMessage) => {
        if (message.type === 'progress') {
          counts[k] = message.checked;
          report();
        } else if (message.type === 'done') {
          counts[k] = message.result.checked;
          settle(k, message.result);
        } else {
          const error = new Error(message.message);
          error.name = message.name;
          error.stack = message.stack;
          settle(k, error);
        }
      });
      thread.on('error', (error) => settle(k, error));
      thread.on('exit', (code) => settle(k, new Error(`audit verification worker exited (${code})`)));
    });
  });
  let checked = 0;
  let lastSeq = start.afterSeq;
  let lastHash = start.afterHash;
  for (const [k, outcome] of outcomes.entries()) {
    const range = ranges[k]!;
    if (outcome === null) throw new Error('audit verification lost a range'); // unreachable: see settle
    if (outcome instanceof Error) throw outcome;
    if (k > 0 && outcome.first_prev_hash !== null && outcome.first_prev_hash !== lastHash) {
      return {
        checked,
        last_seq: lastSeq,
        last_hash: lastHash,
        broken: { seq: range.afterSeq + 1, reason: 'does not link to the previous entry' },
      };
    }
    checked += outcome.checked;
    if (outcome.checked > 0) {
      lastSeq = outcome.last_seq;
      lastHash = outcome.last_hash ?? lastHash;
    }
    if (outcome.broken) return { checked, last_seq: lastSeq, last_hash: lastHash, broken: outcome.broken };
  }
  options.onProgress?.(start.afterSeq + checked);
  return { checked, last_seq: lastSeq, last_hash: lastHash, broken: null };
}
