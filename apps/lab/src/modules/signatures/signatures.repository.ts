import { type Executor, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';
import type { Signed } from '../audit/manifest-signer.ts';
import type { SignatureManifest } from './signature-manifest.ts';

/** A stored signature as the API shows it next to its record. */
export interface SignatureView {
  id: string;
  record_type: string;
  record_id: string;
  signer_id: string;
  printed_name: string;
  meaning: SignatureManifest['meaning'];
  reason: string | null;
  signed_at: string;
  record_hash: string;
  key_id: string;
  algorithm: 'Ed25519' | 'RSA-PSS';
  signature: string;
}

const columns = sql`id, record_type, record_id, signer_id, printed_name, meaning, reason,
  to_json(signed_at) #>> '{}' as signed_at, record_hash, key_id, algorithm, signature`;

export async function insertSignature(
  tx: Executor,
  signed: Signed<SignatureManifest>,
): Promise<SignatureView> {
  const m = signed.manifest;
  const [row] = await queryRows<SignatureView>(
    tx,
    sql`insert into signatures (record_type, record_id, signer_id, printed_name, meaning, reason, signed_at,
          record_hash, key_id, algorithm, signature)
        values (${m.record_type}, ${m.record_id}, ${m.signer_id}, ${m.printed_name}, ${m.meaning}, ${m.reason},
          ${m.signed_at}::timestamptz, ${m.record_hash}, ${signed.key_id}, ${signed.algorithm}, ${signed.signature})
        returning ${columns}`,
  );
  if (!row) throw new Error('signature was not stored');
  return row;
}

export async function signatureById(tx: Executor, id: string): Promise<SignatureView | undefined> {
  const [row] = await queryRows<SignatureView>(tx, sql`select ${columns} from signatures where id = ${id}`);
  return row;
}

export function signaturesOf(tx: Executor, recordType: string, recordId: string): Promise<SignatureView[]> {
  return queryRows<SignatureView>(
    tx,
    sql`select ${columns} from signatures where record_type = ${recordType} and record_id = ${recordId}
        order by signed_at, id`,
  );
}

/** The signed statement exactly as it was signed, rebuilt from the stored row. */
export function signedManifestOf(row: SignatureView): Signed<SignatureManifest> {
  return {
    manifest: {
      signer_id: row.signer_id,
      printed_name: row.printed_name,
      meaning: row.meaning,
      signed_at: new Date(row.signed_at).toISOString(),
      record_type: row.record_type,
      record_id: row.record_id,
      record_hash: row.record_hash,
      reason: row.reason,
    },
    key_id: row.key_id,
    algorithm: row.algorithm,
    signature: row.signature,
  };
}
