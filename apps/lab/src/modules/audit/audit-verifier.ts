import type { KeyObject } from 'node:crypto';
import type { LabExecutor } from '../../db/lab-database.ts';
import { auditHead, auditPage, sealedFromSeq } from './audit.repository.ts';
import { auditHash, auditMacValid, genesisHash } from './audit-hash.ts';
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

export interface VerifyOptions {
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
 * Walks the chain after entry `afterSeq` (whose hash is `afterHash`) to its end (or `throughSeq`), a page at a time
 * (memory stays flat however long it is): every seq follows the last without a gap, links to the
 * previous hash, hashes to what it says, and from `sealedFrom` on carries the server's seal.
 */
export async function verifySegment(
  tx: LabExecutor,
  start: { afterSeq: number; afterHash: string },
  options: {
    macKey: KeyObject;
    sealedFrom: number;
    /** Stop after this entry (a head read earlier): later appends are another walk's business. */
    throughSeq?: number;
    onProgress?: ((checked: number) => void) | undefined;
  },
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
    { macKey: options.macKey, sealedFrom: await sealedFromSeq(tx), onProgress: options.onProgress },
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
