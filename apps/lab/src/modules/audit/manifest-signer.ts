import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';

/** A signed statement: the exact fields signed, the key that signed them, and the signature. */
export interface Signed<T> {
  manifest: T;
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

/** The bytes that are signed: the manifest's RFC 8785 canonical JSON. */
export function canonicalBytes(manifest: object): Buffer {
  const canonical = canonicalize(manifest);
  if (canonical === undefined) throw new Error('manifest cannot be canonicalised');
  return Buffer.from(canonical, 'utf8');
}

/** Signs a manifest with the server's Ed25519 key (checkpoints, electronic signatures). */
export function signManifest<T extends object>(privateKeyPem: string, manifest: T): Signed<T> {
  return {
    manifest,
    key_id: keyIdOf(createPublicKey(privateKeyPem)),
    algorithm: 'Ed25519',
    signature: sign(null, canonicalBytes(manifest), privateKeyPem).toString('base64url'),
  };
}

/** Checks a signed manifest against the public keys it may have been made with (current and rotated). */
export function manifestSignatureValid(signed: Signed<object>, publicKeysPem: string[]): boolean {
  const key = publicKeysPem
    .map((pem) => createPublicKey(pem))
    .find((candidate) => keyIdOf(candidate) === signed.key_id);
  if (!key) return false;
  return verify(null, canonicalBytes(signed.manifest), key, Buffer.from(signed.signature, 'base64url'));
}
