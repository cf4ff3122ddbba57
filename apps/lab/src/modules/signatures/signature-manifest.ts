import { createHash } from 'node:crypto';
import {
  canonicalBytes,
  manifestSignatureValid,
  type Signed,
  signManifest,
} from '../audit/manifest-signer.ts';

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
  return createHash('sha256').update(canonicalBytes(record)).digest('hex');
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
