import { createHmac, type KeyObject } from 'node:crypto';
import type { LabDatabase } from '../../db/lab-database.ts';
import { publicKeyPems } from '../signatures/index.ts';
import { auditHead, sealedFromSeq } from './audit.repository.ts';
import { auditMacKey, genesisHash } from './audit-hash.ts';
import { type ChainVerification, verifyChain, verifySegment } from './audit-verifier.ts';
import { hashAt, latestCheckpoint } from './checkpoint.repository.ts';
import { checkpointSignatureValid, type SignedCheckpoint } from './checkpoint-signer.ts';

/**
 * The audit trail's integrity as operator commands (doctor, restore) need it, on a database opened
 * without a full context: everything read in one read-only snapshot.
 */

/** The seal key from the secret key's bytes (LAB_SECRET_KEY). */
export const sealKeyOf = (secretKey: Buffer): KeyObject => auditMacKey(secretKey);

/** An HMAC of a fixed label under the seal key: equal for equal keys, and says nothing about the key. */
export function sealKeyCheck(secretKey: Buffer): string {
  return createHmac('sha256', auditMacKey(secretKey))
    .update('strukt backup: seal key check')
    .digest('hex')
    .slice(0, 32);
}

export type QuickVerification =
  | { mode: 'full'; result: ChainVerification }
  | {
      mode: 'from-checkpoint';
      checkpointSeq: number;
      headSeq: number;
      broken: { seq: number; reason: string } | null;
    };

/**
 * Verifies the chain from the last signed checkpoint (its signature vouches for every entry up to
 * it, and the stored entry there must still hash to what it signed), so a long trail costs only what
 * was appended since; from genesis when `full` or when no checkpoint exists yet.
 */
export function verifyFromCheckpoint(
  db: LabDatabase,
  macKey: KeyObject,
  full: boolean,
): Promise<QuickVerification> {
  return db.transaction(
    async (tx) => {
      const publicKeysPem = await publicKeyPems(tx);
      const checkpoint = await latestCheckpoint(tx);
      if (full || !checkpoint)
        return {
          mode: 'full',
          result: await verifyChain(tx, { macKey, publicKeysPem, connection: db.connection }),
        };
      const head = await auditHead(tx);
      const at = { mode: 'from-checkpoint' as const, checkpointSeq: checkpoint.seq, headSeq: head.seq };
      if (!checkpointSignatureValid(checkpoint, publicKeysPem)) {
        return {
          ...at,
          broken: { seq: checkpoint.seq, reason: 'the checkpoint over it does not carry a valid signature' },
        };
      }
      if ((await hashAt(tx, checkpoint.seq, genesisHash)) !== checkpoint.head_hash) {
        return {
          ...at,
          broken: { seq: checkpoint.seq, reason: 'no longer matches the checkpoint signed over it' },
        };
      }
      const segment = await verifySegment(
        tx,
        { afterSeq: checkpoint.seq, afterHash: checkpoint.head_hash },
        { macKey, sealedFrom: await sealedFromSeq(tx), throughSeq: head.seq, connection: db.connection },
      );
      if (segment.broken) return { ...at, broken: segment.broken };
      if (segment.last_seq !== head.seq || segment.last_hash !== head.hash) {
        return {
          ...at,
          broken: {
            seq: segment.last_seq + 1,
            reason: `is missing: the head says the chain ends at ${head.seq}`,
          },
        };
      }
      return { ...at, broken: null };
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}

export interface CheckpointState {
  headSeq: number;
  latest: SignedCheckpoint | undefined;
  signatureValid: boolean;
}

/** The latest checkpoint, whether its signature verifies against the registered keys, and the head. */
export function checkpointState(db: LabDatabase): Promise<CheckpointState> {
  return db.transaction(
    async (tx) => {
      const [latest, head, publicKeysPem] = [
        await latestCheckpoint(tx),
        await auditHead(tx),
        await publicKeyPems(tx),
      ];
      return {
        headSeq: head.seq,
        latest,
        signatureValid: latest !== undefined && checkpointSignatureValid(latest, publicKeysPem),
      };
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}

export interface TrailAudit {
  chain: ChainVerification;
  head: { seq: number; hash: string };
  checkpoints: { count: number; invalid: number[]; last: { seq: number; head_hash: string } | undefined };
}

/**
 * A restored trail in full: the chain from genesis, the head, and EVERY checkpoint's signature and
 * the entry it names (a restore has time for all of them; doctor does not).
 */
export function auditTrailInFull(db: LabDatabase, macKey: KeyObject): Promise<TrailAudit> {
  return db.transaction(
    async (tx) => {
      const publicKeysPem = await publicKeyPems(tx);
      const chain = await verifyChain(tx, { macKey, publicKeysPem, connection: db.connection });
      const head = await auditHead(tx);
      const checkpoints = await tx
        .selectFrom('audit_checkpoints')
        .select(['seq', 'head_hash', 'signed_at', 'key_id', 'algorithm', 'signature'])
        .orderBy('seq')
        .execute();
      const invalid: number[] = [];
      for (const checkpoint of checkpoints) {
        const signed = checkpointSignatureValid(checkpoint, publicKeysPem);
        if (!signed || (await hashAt(tx, checkpoint.seq, genesisHash)) !== checkpoint.head_hash)
          invalid.push(checkpoint.seq);
      }
      const last = checkpoints.at(-1);
      return {
        chain,
        head,
        checkpoints: {
          count: checkpoints.length,
          invalid,
          last: last ? { seq: last.seq, head_hash: last.head_hash } : undefined,
        },
      };
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}
