import type { Executor } from '@ours/platform/db';
import { auditHead, auditPage } from './audit.repository.ts';
import { auditHash, genesisHash } from './audit-hash.ts';
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

/** Public keys checkpoints may be signed with (current and rotated-out ones). */
export interface VerifyOptions {
  publicKeysPem?: string[];
  onProgress?: (checked: number) => void;
}

const pageSize = 1_000;

/**
 * Walks the whole chain from genesis, a page at a time (memory stays flat however long it is):
 * every seq follows the last without a gap, links to the previous hash, and hashes to what it says;
 * the chain ends where the head says it does, and it still holds the latest signed checkpoint.
 * Read-only.
 */
export async function verifyChain(tx: Executor, options: VerifyOptions = {}): Promise<ChainVerification> {
  const checkpoint = await latestCheckpoint(tx);
  const lastCheckpoint = checkpoint
    ? { seq: checkpoint.seq, signed_at: checkpoint.signed_at, key_id: checkpoint.key_id }
    : null;
  let expectedSeq = 1;
  let previous = genesisHash;
  let checked = 0;
  const fail = (seq: number, reason: string): ChainVerification => ({
    valid: false,
    checked,
    first_invalid_seq: seq,
    reason,
    head_hash: previous,
    last_checkpoint: lastCheckpoint,
  });
  for (;;) {
    const page = await auditPage(tx, expectedSeq - 1, pageSize);
    for (const entry of page) {
      const seq = Number(entry.seq);
      if (seq !== expectedSeq) return fail(expectedSeq, `entry ${expectedSeq} is missing`);
      if (entry.prev_hash !== previous) return fail(seq, 'does not link to the previous entry');
      if (auditHash({ ...entry, seq }) !== entry.hash) return fail(seq, 'content does not match its hash');
      previous = entry.hash;
      expectedSeq += 1;
      checked += 1;
    }
    options.onProgress?.(checked);
    if (page.length < pageSize) break;
  }
  const head = await auditHead(tx);
  if (head.seq !== checked || head.hash !== previous) {
    return fail(checked + 1, `the head says the chain ends at ${head.seq}, but it ends at ${checked}`);
  }
  if (checkpoint) {
    // The signed checkpoint catches what the head alone cannot: a chain cut short or rebuilt, head and all.
    if (!checkpointSignatureValid(checkpoint, options.publicKeysPem ?? [])) {
      return fail(checkpoint.seq, 'the latest checkpoint signature is not valid');
    }
    if ((await hashAt(tx, checkpoint.seq, genesisHash)) !== checkpoint.head_hash) {
      return fail(
        Math.min(checkpoint.seq, checked + 1),
        `the chain does not match the checkpoint signed at entry ${checkpoint.seq}`,
      );
    }
  }
  return {
    valid: true,
    checked,
    first_invalid_seq: null,
    reason: null,
    head_hash: previous,
    last_checkpoint: lastCheckpoint,
  };
}
