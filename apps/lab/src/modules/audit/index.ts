/** The audit module as other modules see it: everything else in this folder is its own. */

export type { AuditEntry, AuditInput } from './audit.repository.ts';
export { AuditEntry as AuditEntrySchema } from './audit.schema.ts';
export { type AuditActor, actorOf, claimantOf, identified } from './audit-actor.ts';
export { entityEntries } from './audit-query.repository.ts';
export {
  canonicalBytes,
  canonicalSha256,
  manifestSignatureValid,
  type Signed,
  type SigningAlgorithm,
  signManifest,
} from './manifest-signer.ts';
