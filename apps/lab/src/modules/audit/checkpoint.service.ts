import type { LabContext } from '../../context.ts';
import { auditHead, sealedFromSeq } from './audit.repository.ts';
import { genesisHash } from './audit-hash.ts';
import { verifySegment } from './audit-verifier.ts';
import { hashAt, insertCheckpoint, latestCheckpoint, tryCheckpointLock } from './checkpoint.repository.ts';
import { type SignedCheckpoint, signCheckpoint } from './checkpoint-signer.ts';

/** The trail is broken since the last checkpoint: signing over it would vouch for a forgery. */
export class ChainBrokenError extends Error {
  override name = 'ChainBrokenError';
  readonly seq: number;
  readonly reason: string;

  constructor(seq: number, reason: string) {
    super(`audit entry ${seq} ${reason}: no checkpoint is signed over a broken trail`);
    this.seq = seq;
    this.reason = reason;
  }
}

/**
 * Signs a checkpoint when one is due: none yet, N entries since the last, or the daily interval
 * passed. Before it signs, it verifies every entry since the previous checkpoint (links, hashes and
 * the server's seals), so a checkpoint never vouches for an entry the server did not write. Instances
 * racing here take turns on a transaction advisory lock, so only one signs.
 */
export async function checkpointIfDue(ctx: LabContext): Promise<SignedCheckpoint | undefined> {
  return ctx.db.transaction(async (tx) => {
    if (!(await tryCheckpointLock(tx))) return undefined;
    const now = ctx.now();
    const [latest, head] = [await latestCheckpoint(tx), await auditHead(tx)];
    const { checkpointEvery, checkpointHours } = ctx.config.audit;
    const due =
      !latest ||
      head.seq - latest.seq >= checkpointEvery ||
      now.getTime() - new Date(latest.signed_at).getTime() >= checkpointHours * 3_600_000;
    if (!due) return undefined;
    const afterSeq = latest?.seq ?? 0;
    const afterHash = (await hashAt(tx, afterSeq, genesisHash)) ?? '';
    const segment = await verifySegment(
      tx,
      { afterSeq, afterHash },
      // Through the head as read above: under read committed, entries appended since are visible to the
      // walk, and without the bound a busy lab failed its checkpoint as a chain that ends past its head.
      { macKey: ctx.auditMacKey, sealedFrom: await sealedFromSeq(tx), throughSeq: head.seq },
    );
    if (segment.broken) throw new ChainBrokenError(segment.broken.seq, segment.broken.reason);
    if (segment.last_seq !== head.seq || segment.last_hash !== head.hash) {
      throw new ChainBrokenError(segment.last_seq + 1, 'is not where the head says the chain ends');
    }
    const checkpoint = signCheckpoint(ctx.keys.signingKeyPem, {
      seq: head.seq,
      head_hash: head.hash,
      signed_at: now.toISOString(),
    });
    await insertCheckpoint(tx, checkpoint);
    return checkpoint;
  });
}
