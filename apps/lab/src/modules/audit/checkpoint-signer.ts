import { manifestSignatureValid, type SigningAlgorithm, signManifest } from './manifest-signer.ts';

export { generateSigningKey, keyIdOf } from './manifest-signer.ts';

/** What a checkpoint vouches for: the chain had `seq` entries ending in `head_hash` at `signed_at`. */
export interface CheckpointClaim {
  seq: number;
  head_hash: string;
  signed_at: string;
}

export interface SignedCheckpoint extends CheckpointClaim {
  key_id: string;
  algorithm: SigningAlgorithm;
  signature: string;
}

const manifestOf = (claim: CheckpointClaim) => ({
  seq: claim.seq,
  head_hash: claim.head_hash,
  signed_at: new Date(claim.signed_at).toISOString(),
});

/** Signs a checkpoint claim with the server's key. */
export function signCheckpoint(privateKeyPem: string, claim: CheckpointClaim): SignedCheckpoint {
  const signed = signManifest(privateKeyPem, manifestOf(claim));
  return { ...claim, key_id: signed.key_id, algorithm: signed.algorithm, signature: signed.signature };
}

/** Checks a checkpoint's signature against the public keys it may have been made with. */
export function checkpointSignatureValid(checkpoint: SignedCheckpoint, publicKeysPem: string[]): boolean {
  return manifestSignatureValid(
    {
      manifest: manifestOf(checkpoint),
      key_id: checkpoint.key_id,
      algorithm: checkpoint.algorithm,
      signature: checkpoint.signature,
    },
    publicKeysPem,
  );
}
