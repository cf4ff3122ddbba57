import type { Executor } from '@ours/platform/db';
import { auditHead, auditPage } from './audit.repository.ts';
import { auditHash, genesisHash } from './audit-hash.ts';

export interface ChainVerification {
  valid: boolean;
  checked: number;
  first_invalid_seq: number | null;
  reason: string | null;
  head_hash: string;
}

const pageSize = 1_000;

/**
 * Walks the whole chain from genesis, a page at a time (memory stays flat however long it is):
 * every seq follows the last without a gap, links to the previous hash, and hashes to what it says;
 * the chain ends where the head says it does. Read-only.
 */
export async function verifyChain(
  tx: Executor,
  onProgress?: (checked: number) => void,
): Promise<ChainVerification> {
  let expectedSeq = 1;
  let previous = genesisHash;
  let checked = 0;
  const fail = (seq: number, reason: string): ChainVerification => ({
    valid: false,
    checked,
    first_invalid_seq: seq,
    reason,
    head_hash: previous,
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
    onProgress?.(checked);
    if (page.length < pageSize) break;
  }
  const head = await auditHead(tx);
  if (head.seq !== checked || head.hash !== previous) {
    return fail(checked + 1, `the head says the chain ends at ${head.seq}, but it ends at ${checked}`);
  }
  return { valid: true, checked, first_invalid_seq: null, reason: null, head_hash: previous };
}
