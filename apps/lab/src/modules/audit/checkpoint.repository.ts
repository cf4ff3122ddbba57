import { type Executor, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';
import { auditHead } from './audit.repository.ts';
import { type SignedCheckpoint, signCheckpoint } from './checkpoint-signer.ts';

/** Signs the chain's current head and stores the checkpoint (the daily / every-N job calls this). */
export async function writeCheckpoint(
  tx: Executor,
  privateKeyPem: string,
  now: Date,
): Promise<SignedCheckpoint> {
  const head = await auditHead(tx);
  const checkpoint = signCheckpoint(privateKeyPem, {
    seq: head.seq,
    head_hash: head.hash,
    signed_at: now.toISOString(),
  });
  await tx.execute(sql`
    insert into audit_checkpoints (seq, head_hash, signed_at, key_id, algorithm, signature)
    values (${checkpoint.seq}, ${checkpoint.head_hash}, ${checkpoint.signed_at}::timestamptz, ${checkpoint.key_id},
      ${checkpoint.algorithm}, ${checkpoint.signature})`);
  return checkpoint;
}

export async function latestCheckpoint(tx: Executor): Promise<SignedCheckpoint | undefined> {
  const [row] = await queryRows<SignedCheckpoint & { seq: string | number }>(
    tx,
    sql`select seq, head_hash, to_json(signed_at) #>> '{}' as signed_at, key_id, algorithm, signature
        from audit_checkpoints order by seq desc, id desc limit 1`,
  );
  return row ? { ...row, seq: Number(row.seq) } : undefined;
}

/** The hash of entry `seq` (the genesis hash for 0), or undefined when the chain never got there. */
export async function hashAt(tx: Executor, seq: number, genesis: string): Promise<string | undefined> {
  if (seq === 0) return genesis;
  const [row] = await queryRows<{ hash: string }>(tx, sql`select hash from audit_entries where seq = ${seq}`);
  return row?.hash;
}
