import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { LoginRecord } from '../accounts/index.ts';
import { acceptTotpStep, consumeRecoveryCode } from './mfa.repository.ts';
import { hashRecoveryCode, matchCode } from './totp.ts';

/**
 * Checks a second factor for an MFA account inside the caller's transaction (the user row locked):
 * a TOTP code newer than the last accepted step ('otp'), or an unused recovery code, spent ('mfa').
 * Returns null when neither matches.
 */
export async function checkSecondFactor(
  tx: LabExecutor,
  ctx: LabContext,
  record: LoginRecord,
  code: string,
): Promise<'otp' | 'mfa' | null> {
  if (!record.mfa_secret) return null;
  const trimmed = code.trim();
  const step = matchCode(ctx.secretBox.open(record.mfa_secret, record.id), trimmed, ctx.now().getTime());
  if (step !== null) {
    if (step <= record.mfa_last_step) return null;
    await acceptTotpStep(tx, record.id, step);
    return 'otp';
  }
  if (/^[0-9a-f]{5}-[0-9a-f]{5}$/i.test(trimmed)) {
    return (await consumeRecoveryCode(tx, record.id, hashRecoveryCode(trimmed), ctx.now())) ? 'mfa' : null;
  }
  return null;
}
