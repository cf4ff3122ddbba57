/** The signatures module as other modules see it: everything else in this folder is its own. */

export { type SignatureMeaning, signatureMeanings } from './signature-manifest.ts';
export { signaturesOf } from './signatures.repository.ts';
export { SignatureView } from './signatures.schema.ts';
export { reauthenticateSigner, signInTransaction } from './signatures.service.ts';
export { publicKeyPems } from './signing-keys.repository.ts';
