import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

/** A signed statement: the exact fields signed, the key that signed them, and the signature. */
export interface Signed<T> {
  manifest: T;
  key_id: string;
  algorithm: SigningAlgorithm;
  signature: string;
}

/** Ed25519 by default; RSA-PSS (SHA-256) for sites whose policy requires RSA. */
export type SigningAlgorithm = 'Ed25519' | 'RSA-PSS';

/** Which algorithm a key is for, from the key itself. */
export function algorithmOf(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return 'RSA-PSS';
  throw new Error(`signing keys must be Ed25519 or RSA, not ${key.asymmetricKeyType}`);
}

// RSA keys sign with PSS padding and a salt as long as the digest, the usual interoperable choice.
const rsaPss = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };

/** A key's id: the first 16 hex digits of the SHA-256 of its public key (so keys can rotate). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** A new signing key, as PEM (to store in the data directory or a secret store). */
export function generateSigningKey(algorithm: SigningAlgorithm = 'Ed25519'): {
  privateKeyPem: string;
  publicKeyPem: string;
} {
  const { privateKey, publicKey } =
    algorithm === 'Ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 65537 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The bytes that are signed: the manifest's RFC 8785 canonical JSON. */
export function canonicalBytes(manifest: object): Buffer {
  return Buffer.from(canonicalJson(manifest), 'utf8');
}

/**
 * SHA-256 (hex) of a value's RFC 8785 canonical JSON: the one content hash of the lab (a signed
 * record's state, a workflow definition, a run's configuration snapshot).
 */
export function canonicalSha256(value: object): string {
  return createHash('sha256').update(canonicalBytes(value)).digest('hex');
}

/** Signs a manifest with the server's key (checkpoints, electronic signatures). */
export function signManifest<T extends object>(privateKeyPem: string, manifest: T): Signed<T> {
  const privateKey = createPrivateKey(privateKeyPem);
  const algorithm = algorithmOf(privateKey);
  const bytes = canonicalBytes(manifest);
  const signature =
    algorithm === 'Ed25519'
      ? sign(null, bytes, privateKey)
      : sign('sha256', bytes, { key: privateKey, ...rsaPss });
  return {
    manifest,
    key_id: keyIdOf(createPublicKey(privateKey)),
    algorithm,
    signature: signature.toString('base64url'),
  };
}

/** Checks a signed manifest against the public keys it may have been made with (current and rotated). */
export function manifestSignatureValid(signed: Signed<object>, publicKeysPem: string[]): boolean {
  const key = publicKeysPem
    .map((pem) => createPublicKey(pem))
    .find((candidate) => keyIdOf(candidate) === signed.key_id);
  if (!key || algorithmOf(key) !== signed.algorithm) return false;
  const bytes = canonicalBytes(signed.manifest);
  const signature = Buffer.from(signed.signature, 'base64url');
  return signed.algorithm === 'Ed25519'
    ? verify(null, bytes, key, signature)
    : verify('sha256', bytes, { key, ...rsaPss }, signature);
}
