import type { LabExecutor } from '../../db/lab-database.ts';
import type { SignedCheckpoint } from './checkpoint-signer.ts';

/** Stores a signed checkpoint. */
export async function insertCheckpoint(tx: LabExecutor, checkpoint: SignedCheckpoint): Promise<void> {
  await tx
    .insertInto('audit_checkpoints')
    .values({
      seq: checkpoint.seq,
      head_hash: checkpoint.head_hash,
      signed_at: checkpoint.signed_at,
      key_id: checkpoint.key_id,
      algorithm: checkpoint.algorithm,
      signature: checkpoint.signature,
    })
    .execute();
}

export function latestCheckpoint(tx: LabExecutor): Promise<SignedCheckpoint | undefined> {
  return tx
    .selectFrom('audit_checkpoints')
    .select(['seq', 'head_hash', 'signed_at', 'key_id', 'algorithm', 'signature'])
    .orderBy('seq', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The hash of entry `seq` (the genesis hash for 0), or undefined when the chain never got there. */
export async function hashAt(tx: LabExecutor, seq: number, genesis: string): Promise<string | undefined> {
  if (seq === 0) return genesis;
  const row = await tx.selectFrom('audit_entries').select('hash').where('seq', '=', seq).executeTakeFirst();
  return row?.hash;
}

/**
 * Tries to become the one instance that checkpoints now: a transaction advisory lock, so instances
 * racing here take turns and only one signs.
 */
export async function tryCheckpointLock(tx: LabExecutor): Promise<boolean> {
  const row = await tx
    .selectNoFrom((eb) =>
      eb
        .fn<boolean>('pg_try_advisory_xact_lock', [eb.fn('hashtext', [eb.val('lab:audit-checkpoint')])])
        .as('locked'),
    )
    .executeTakeFirst();
  return row?.locked === true;
}
