import { ConflictError, ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import { lockLoginRecord } from '../accounts/index.ts';
import type { AuditActor, AuditInput } from '../audit/index.ts';
import { reauthenticate } from '../auth/index.ts';
import { disableMfa, enableMfa, replaceRecoveryCodes, setPendingSecret } from './mfa.repository.ts';
import { matchCode, newRecoveryCodes, startEnrolment } from './totp.ts';

const mfaAudit = (actor: AuditActor, userId: string, action: string): AuditInput => ({
  ...actor,
  action,
  entity_type: 'user',
  entity_id: userId,
  before: null,
  after: null,
  reason: null,
});

/** Step 1: after the password, a new seed is sealed as pending; the app shows the QR code. */
export async function beginEnrolment(
  ctx: LabContext,
  user: { id: string; mfa_enabled: boolean },
  password: string,
  actor: AuditActor,
) {
  // Checked first: an enrolled account would otherwise be asked for a code it is trying to replace.
  if (user.mfa_enabled) throw new ConflictError('mfa_already_enabled', 'MFA is already on for this account');
  const userId = user.id;
  const record = await reauthenticate(ctx, userId, { password }, actor, 'mfa.enrol_failed');
  const enrolment = await startEnrolment(record.email);
  await ctx.db.transaction(async (tx) => {
    await setPendingSecret(tx, userId, ctx.secretBox.seal(enrolment.secret, userId));
    await ctx.audit.append(tx, mfaAudit(actor, userId, 'mfa.enrolment_started'));
  });
  return { otpauth_uri: enrolment.uri, qr_png: enrolment.qrPng };
}

/** Step 2: the first code from the authenticator turns MFA on and yields the recovery codes, once. */
export async function confirmEnrolment(ctx: LabContext, userId: string, code: string, actor: AuditActor) {
  return ctx.db.transaction(async (tx) => {
    const record = await lockLoginRecord(tx, userId);
    if (!record?.mfa_pending_secret) {
      throw new ConflictError('no_pending_enrolment', 'Start an enrolment first (POST /auth/mfa/enrol)');
    }
    if (record.mfa_enabled)
      throw new ConflictError('mfa_already_enabled', 'MFA is already on for this account');
    const secret = ctx.secretBox.open(record.mfa_pending_secret, userId);
    const step = matchCode(secret, code.trim(), ctx.now().getTime());
    if (step === null)
      throw new ValidationError('invalid_code', 'That code does not match; check the device clock');
    const recovery = newRecoveryCodes();
    await enableMfa(tx, userId, record.mfa_pending_secret, step);
    await replaceRecoveryCodes(tx, userId, recovery.hashes);
    await ctx.audit.append(tx, mfaAudit(actor, userId, 'mfa.enabled'));
    return { recovery_codes: recovery.codes };
  });
}

/** Turning MFA off needs the password and a current code (or a recovery code). */
export async function turnOffMfa(
  ctx: LabContext,
  userId: string,
  proof: { password: string; code: string },
  actor: AuditActor,
): Promise<void> {
  const record = await reauthenticate(ctx, userId, proof, actor, 'mfa.disable_failed');
  if (!record.mfa_enabled) throw new ConflictError('mfa_not_enabled', 'MFA is not on for this account');
  await ctx.db.transaction(async (tx) => {
    await disableMfa(tx, userId);
    await ctx.audit.append(tx, mfaAudit(actor, userId, 'mfa.disabled'));
  });
}
