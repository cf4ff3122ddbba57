/** The signatures module as other modules see it: everything else in this folder is its own. */
export { signaturesOf } from './signatures.repository.ts';
export { SignatureView } from './signatures.schema.ts';
export { publicKeyPems } from './signing-keys.repository.ts';
