import {
  canonicalSha256,
  manifestSignatureValid,
  type Signed,
  type SigningAlgorithm,
  signManifest,
} from '../audit/index.ts';

/** The meanings a signature can carry (21 CFR Part 11 §11.50). */
export const signatureMeanings = ['authored', 'reviewed', 'approved', 'released', 'responsibility'] as const;
export type SignatureMeaning = (typeof signatureMeanings)[number];

/** What a signature binds together: who, in what printed name, meaning what, when, to which record state. */
export interface SignatureManifest {
  signer_id: string;
  printed_name: string;
  meaning: SignatureMeaning;
  signed_at: string;
  record_type: string;
  record_id: string;
  record_hash: string;
  reason: string | null;
}

/** The hash of a record's current content (canonical JSON), so a later edit is detectable. */
export function recordHash(record: object): string {
  return canonicalSha256(record);
}

/** Signs a manifest for a record in its current state. */
export function signRecord(privateKeyPem: string, manifest: SignatureManifest): Signed<SignatureManifest> {
  return signManifest(privateKeyPem, { ...manifest, signed_at: new Date(manifest.signed_at).toISOString() });
}

/** Re-checks a stored signature: is it genuine, and is the record still what was signed? */
export function verifyRecordSignature(
  signed: Signed<SignatureManifest>,
  currentRecord: object,
  publicKeysPem: string[],
): { signature_valid: boolean; record_unchanged: boolean } {
  return {
    signature_valid: manifestSignatureValid(signed, publicKeysPem),
    record_unchanged: recordHash(currentRecord) === signed.manifest.record_hash,
  };
}

const knownAlgorithms: readonly SigningAlgorithm[] = ['Ed25519', 'RSA-PSS'];

/**
 * The signed statement exactly as it was signed, rebuilt from a stored signature; undefined when
 * the stored algorithm is none this server signs with (such a signature cannot be valid).
 */
export function signedManifestOf(
  row: Omit<SignatureManifest, 'signed_at'> & {
    signed_at: string;
    key_id: string;
    algorithm: string;
    signature: string;
  },
): Signed<SignatureManifest> | undefined {
  const algorithm = knownAlgorithms.find((known) => known === row.algorithm);
  if (!algorithm) return undefined;
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
    algorithm,
    signature: row.signature,
  };
}
