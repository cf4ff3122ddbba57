import type { LabExecutor } from '../../db/lab-database.ts';

/** Replaces a user's recovery codes with a fresh set (only hashes are stored). */
export async function replaceRecoveryCodes(tx: LabExecutor, userId: string, hashes: string[]): Promise<void> {
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (hashes.length === 0) return;
  await tx
    .insertInto('recovery_codes')
    .values(hashes.map((code_hash) => ({ user_id: userId, code_hash })))
    .execute();
}

/** Spends a recovery code; false when it is unknown or already used. */
export async function consumeRecoveryCode(
  tx: LabExecutor,
  userId: string,
  hash: string,
  now: Date,
): Promise<boolean> {
  const rows = await tx
    .updateTable('recovery_codes')
    .set({ used_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .returning('code_hash')
    .execute();
  return rows.length > 0;
}

export async function acceptTotpStep(tx: LabExecutor, userId: string, step: number): Promise<void> {
  await tx.updateTable('users').set({ mfa_last_step: step }).where('id', '=', userId).execute();
}

export async function setPendingSecret(tx: LabExecutor, userId: string, sealed: string): Promise<void> {
  await tx
    .updateTable('users')
    .set((eb) => ({ mfa_pending_secret: sealed, updated_at: eb.fn('now') }))
    .where('id', '=', userId)
    .execute();
}

/** Turns MFA on with the confirmed seed; the confirming code's step is spent. */
export async function enableMfa(
  tx: LabExecutor,
  userId: string,
  sealed: string,
  step: number,
): Promise<void> {
  await tx
    .updateTable('users')
    .set((eb) => ({
      mfa_enabled: true,
      mfa_secret: sealed,
      mfa_pending_secret: null,
      mfa_last_step: step,
      updated_at: eb.fn('now'),
    }))
    .where('id', '=', userId)
    .execute();
}

export async function disableMfa(tx: LabExecutor, userId: string): Promise<void> {
  await tx
    .updateTable('users')
    .set((eb) => ({
      mfa_enabled: false,
      mfa_secret: null,
      mfa_pending_secret: null,
      updated_at: eb.fn('now'),
    }))
    .where('id', '=', userId)
    .execute();
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}
