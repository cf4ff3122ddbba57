import { UnauthorizedError, ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import { type LoginRecord, lockLoginRecord, passwordMatches } from '../accounts/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { checkSecondFactor } from '../mfa/index.ts';
import { accountLocked, activeLock, failProof } from './login.service.ts';

/**
 * Proves, again, that the signed-in person is at the keyboard: their password, and their second
 * factor when MFA is on. Used before signatures and security changes; failures count toward
 * lockout exactly like failed logins.
 */
export async function reauthenticate(
  ctx: LabContext,
  userId: string,
  proof: { password: string; code?: string | undefined },
  actor: AuditActor,
  failedAction: string,
): Promise<LoginRecord> {
  const outcome = await ctx.db.transaction(async (tx) => {
    const record = await lockLoginRecord(tx, userId);
    if (!record?.active) throw new UnauthorizedError('account_inactive', 'This account is not active');
    const lockedUntil = activeLock(record, ctx.now());
    if (lockedUntil) throw accountLocked(lockedUntil);
    if (!(await passwordMatches(record.password_hash, proof.password))) return { record, ok: false };
    if (record.mfa_enabled) {
      if (!proof.code) {
        throw new ValidationError('mfa_code_required', 'This account uses MFA: include the current code');
      }
      const factor = await checkSecondFactor(tx, ctx, record, proof.code);
      if (!factor) return { record, ok: false };
      // A spent recovery code changes the account's record: it is audited where it is spent.
      if (factor === 'mfa') {
        await ctx.audit.append(tx, {
          ...actor,
          action: 'mfa.recovery_code_used',
          entity_type: 'user',
          entity_id: userId,
          before: null,
          after: null,
          reason: null,
        });
      }
    }
    return { record, ok: true };
  });
  if (!outcome.ok) throw await failProof(ctx, outcome.record, actor, failedAction);
  return outcome.record;
}
