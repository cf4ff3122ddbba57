import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';

/** What a checkpoint vouches for: the chain had `seq` entries ending in `head_hash` at `signed_at`. */
export interface CheckpointClaim {
  seq: number;
  head_hash: string;
  signed_at: string;
}

export interface SignedCheckpoint extends CheckpointClaim {
  key_id: string;
  algorithm: 'Ed25519';
  signature: string;
}

/** A key's id: the first 16 hex digits of the SHA-256 of its public key (so keys can rotate). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** A new Ed25519 signing key, as PEM (to store in the data directory or a secret store). */
export function generateSigningKey(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function message(claim: CheckpointClaim): Buffer {
  const canonical = canonicalize({
    seq: claim.seq,
    head_hash: claim.head_hash,
    signed_at: new Date(claim.signed_at).toISOString(),
  });
  if (canonical === undefined) throw new Error('checkpoint cannot be canonicalised');
  return Buffer.from(canonical, 'utf8');
}

/** Signs a checkpoint claim with the server's Ed25519 key. */
export function signCheckpoint(privateKeyPem: string, claim: CheckpointClaim): SignedCheckpoint {
  const publicKey = createPublicKey(privateKeyPem);
  return {
    ...claim,
    key_id: keyIdOf(publicKey),
    algorithm: 'Ed25519',
    signature: sign(null, message(claim), privateKeyPem).toString('base64url'),
  };
}

/** Checks a checkpoint's signature against the public keys it may have been made with. */
export function checkpointSignatureValid(checkpoint: SignedCheckpoint, publicKeysPem: string[]): boolean {
  const key = publicKeysPem
    .map((pem) => createPublicKey(pem))
    .find((candidate) => keyIdOf(candidate) === checkpoint.key_id);
  if (!key) return false;
  return verify(null, message(checkpoint), key, Buffer.from(checkpoint.signature, 'base64url'));
}
