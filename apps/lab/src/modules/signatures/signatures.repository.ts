import type { Selectable } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';
import type { Signed } from '../audit/index.ts';
import type { SignatureManifest } from './signature-manifest.ts';

/** A stored signature as the API shows it next to its record. */
export type SignatureView = Selectable<LabSchema['signatures']>;

const columns = [
  'id',
  'record_type',
  'record_id',
  'signer_id',
  'printed_name',
  'meaning',
  'reason',
  'signed_at',
  'record_hash',
  'key_id',
  'algorithm',
  'signature',
] as const;

export async function insertSignature(
  tx: LabExecutor,
  signed: Signed<SignatureManifest>,
): Promise<SignatureView> {
  const m = signed.manifest;
  const row = await tx
    .insertInto('signatures')
    .values({
      record_type: m.record_type,
      record_id: m.record_id,
      signer_id: m.signer_id,
      printed_name: m.printed_name,
      meaning: m.meaning,
      reason: m.reason,
      signed_at: m.signed_at,
      record_hash: m.record_hash,
      key_id: signed.key_id,
      algorithm: signed.algorithm,
      signature: signed.signature,
    })
    .returning(columns)
    .executeTakeFirst();
  if (!row) throw new Error('signature was not stored');
  return row;
}

export function signatureById(tx: LabExecutor, id: string): Promise<SignatureView | undefined> {
  return tx.selectFrom('signatures').select(columns).where('id', '=', id).executeTakeFirst();
}

export function signaturesOf(
  tx: LabExecutor,
  recordType: string,
  recordId: string,
): Promise<SignatureView[]> {
  return tx
    .selectFrom('signatures')
    .select(columns)
    .where('record_type', '=', recordType)
    .where('record_id', '=', recordId)
    .orderBy('signed_at')
    .orderBy('id')
    .execute();
}
