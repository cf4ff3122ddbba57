import type { MigrationClient } from '@ours/platform/migrate';

/** The lab's part of a backup manifest: what the restored audit trail must show. */
export interface LabBackupState {
  audit: {
    head: { seq: number; hash: string };
    last_checkpoint: { seq: number; head_hash: string; signed_at: string; key_id: string } | null;
    checkpoints: number;
  };
  /**
   * Identifies (without revealing) the secret key the entries are sealed with, so a restore under
   * another LAB_SECRET_KEY is refused before it writes anything. Null when the backup ran without it.
   */
  seal_key_check: string | null;
  /** Certificate files the database lists, and those of them that were missing at backup time. */
  certificates: { listed: number; missing: string[] };
  /** The embedded database's generated secret files are in the archive (keep it as secret as they are). */
  secrets_included: boolean;
}

export interface ListedCertificate {
  storage_name: string;
  sha256: string;
}

/** Reads the audit head, checkpoints and certificate list (in the dump's snapshot, as the owner). */
export async function readLabState(client: MigrationClient): Promise<{
  audit: LabBackupState['audit'];
  certificates: ListedCertificate[];
}> {
  const [head] = await client.query<{ seq: string | number; hash: string }>(
    'SELECT seq, hash FROM public.audit_head',
  );
  const [checkpoint] = await client.query<{
    seq: string | number;
    head_hash: string;
    signed_at: string | Date;
    key_id: string;
  }>(
    'SELECT seq, head_hash, signed_at, key_id FROM public.audit_checkpoints ORDER BY seq DESC, id DESC LIMIT 1',
  );
  const [count] = await client.query<{ n: string | number }>(
    'SELECT count(*) AS n FROM public.audit_checkpoints',
  );
  const certificates = await client.query<ListedCertificate>(
    'SELECT storage_name, sha256 FROM public.calibration_certificates ORDER BY storage_name',
  );
  return {
    audit: {
      head: { seq: Number(head?.seq ?? 0), hash: String(head?.hash) },
      last_checkpoint: checkpoint
        ? {
            seq: Number(checkpoint.seq),
            head_hash: checkpoint.head_hash,
            signed_at: new Date(checkpoint.signed_at).toISOString(),
            key_id: checkpoint.key_id,
          }
        : null,
      checkpoints: Number(count?.n ?? 0),
    },
    certificates,
  };
}
