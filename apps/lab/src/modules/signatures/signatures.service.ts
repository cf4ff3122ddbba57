import { NotFoundError, ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { reauthenticate } from '../auth/index.ts';
import { inLabs, readInLabs } from '../sites/index.ts';
import { type SignableLoader, signableRecords } from './signable-records.ts';
import {
  recordHash,
  type SignatureMeaning,
  signedManifestOf,
  signRecord,
  verifyRecordSignature,
} from './signature-manifest.ts';
import { insertSignature, type SignatureView, signatureById, signaturesOf } from './signatures.repository.ts';
import { publicKeyPems } from './signing-keys.repository.ts';

export interface SignRequest {
  record_type: string;
  record_id: string;
  meaning: SignatureMeaning;
  reason: string;
  password: string;
  totp?: string | undefined;
}

function loaderFor(recordType: string) {
  const loader = signableRecords[recordType];
  if (!loader) {
    throw new ValidationError(
      'unknown_record_type',
      `Records of type "${recordType}" cannot be signed (signable: ${Object.keys(signableRecords).join(', ')})`,
    );
  }
  return loader;
}

/**
 * Signs a record (21 CFR Part 11 §11.50, §11.70, §11.200): the signer proves identity again, then
 * the record's current canonical content is hashed into a manifest with their printed name, the
 * meaning and the time, signed with the server key, stored and audited, all in one transaction.
 */
export async function signRecordFor(
  ctx: LabContext,
  signer: Principal,
  input: SignRequest,
  actor: AuditActor,
): Promise<SignatureView> {
  loaderFor(input.record_type);
  await reauthenticateSigner(ctx, signer, input, actor);
  return inLabs(ctx.db, signer.lab_ids, (tx) => signInTransaction(ctx, tx, signer, input, actor));
}

/** The signer proves who they are again (password, and a TOTP code when enrolled) before signing. */
export async function reauthenticateSigner(
  ctx: LabContext,
  signer: Principal,
  proof: { password: string; totp?: string | undefined },
  actor: AuditActor,
): Promise<void> {
  await reauthenticate(
    ctx,
    signer.id,
    { password: proof.password, code: proof.totp },
    actor,
    'signature.failed',
  );
}

/**
 * The signature itself, inside the caller's transaction (after `reauthenticateSigner`): a module
 * whose change is the signature's consequence (an approval that locks a workflow version) commits
 * both or neither.
 */
export async function signInTransaction(
  ctx: LabContext,
  tx: LabExecutor,
  signer: Principal,
  input: Pick<SignRequest, 'record_type' | 'record_id' | 'meaning' | 'reason'>,
  actor: AuditActor,
): Promise<SignatureView> {
  const record = await visibleRecord(tx, loaderFor(input.record_type), input.record_type, input.record_id);
  const signed = signRecord(ctx.keys.signingKeyPem, {
    signer_id: signer.id,
    printed_name: signer.full_name,
    meaning: input.meaning,
    signed_at: ctx.now().toISOString(),
    record_type: input.record_type,
    record_id: record.id,
    record_hash: recordHash(record.content),
    reason: input.reason,
  });
  const stored = await insertSignature(tx, signed);
  await ctx.audit.append(tx, {
    ...actor,
    action: 'signature.create',
    entity_type: input.record_type,
    entity_id: record.id,
    before: null,
    after: {
      signature_id: stored.id,
      meaning: stored.meaning,
      printed_name: stored.printed_name,
      record_hash: stored.record_hash,
      key_id: stored.key_id,
    },
    reason: input.reason,
  });
  return stored;
}

/**
 * A record's signatures, oldest first. The record must be visible to the caller: a lab record's
 * signatures (printed names, meanings) are for its own lab's members. Accounts are not lab records,
 * so signatures on a user (access reviews) are visible to anyone holding `signatures:read`.
 */
export async function signaturesOfRecord(
  ctx: LabContext,
  caller: Principal,
  recordType: string,
  key: string,
): Promise<SignatureView[]> {
  const load = loaderFor(recordType);
  // Reads only: each statement is one round trip in the caller's lab scope, no transaction needed.
  const scope = readInLabs(ctx.db, caller.lab_ids);
  const record = await visibleRecord(scope, load, recordType, key);
  return signaturesOf(scope, recordType, record.id);
}

/** Re-checks a signature: is it genuine, and is the record still exactly what was signed? */
export async function verifySignature(ctx: LabContext, caller: Principal, id: string) {
  const scope = readInLabs(ctx.db, caller.lab_ids);
  const stored = await signatureById(scope, id);
  // A signature on a record outside the caller's labs is as invisible as the record itself.
  const record = stored && (await signableRecords[stored.record_type]?.(scope, stored.record_id));
  if (!stored || !record) throw new NotFoundError('signature_not_found', 'There is no such signature');
  const keys = await publicKeyPems(scope);
  const signed = signedManifestOf(stored);
  const checks = signed
    ? verifyRecordSignature(signed, record.content, keys)
    : { signature_valid: false, record_unchanged: recordHash(record.content) === stored.record_hash };
  return {
    signature: stored,
    signature_valid: checks.signature_valid,
    record_unchanged: checks.record_unchanged,
  };
}

async function visibleRecord(tx: LabExecutor, load: SignableLoader, recordType: string, key: string) {
  const record = await load(tx, key);
  if (!record) throw new NotFoundError('record_not_found', `There is no ${recordType} ${key}`);
  return record;
}
