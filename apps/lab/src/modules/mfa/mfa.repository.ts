import { type Executor, queryRows, textArray } from '@ours/platform/db';
import { sql } from 'drizzle-orm';

/** Replaces a user's recovery codes with a fresh set (only hashes are stored). */
export async function replaceRecoveryCodes(tx: Executor, userId: string, hashes: string[]): Promise<void> {
  await tx.execute(sql`delete from recovery_codes where user_id = ${userId}`);
  await tx.execute(sql`insert into recovery_codes (user_id, code_hash)
    select ${userId}, h from unnest(${textArray(hashes)}) as h`);
}

/** Spends a recovery code; false when it is unknown or already used. */
export async function consumeRecoveryCode(tx: Executor, userId: string, hash: string, now: Date) {
  const rows = await queryRows<{ code_hash: string }>(
    tx,
    sql`update recovery_codes set used_at = ${now.toISOString()}::timestamptz
        where user_id = ${userId} and code_hash = ${hash} and used_at is null returning code_hash`,
  );
  return rows.length > 0;
}

export async function acceptTotpStep(tx: Executor, userId: string, step: number): Promise<void> {
  await tx.execute(sql`update users set mfa_last_step = ${step} where id = ${userId}`);
}

export async function setPendingSecret(tx: Executor, userId: string, sealed: string): Promise<void> {
  await tx.execute(
    sql`update users set mfa_pending_secret = ${sealed}, updated_at = now() where id = ${userId}`,
  );
}

/** Turns MFA on with the confirmed seed; the confirming code's step is spent. */
export async function enableMfa(tx: Executor, userId: string, sealed: string, step: number): Promise<void> {
  await tx.execute(sql`update users set mfa_enabled = true, mfa_secret = ${sealed}, mfa_pending_secret = null,
    mfa_last_step = ${step}, updated_at = now() where id = ${userId}`);
}

export async function disableMfa(tx: Executor, userId: string): Promise<void> {
  await tx.execute(sql`update users set mfa_enabled = false, mfa_secret = null, mfa_pending_secret = null,
    updated_at = now() where id = ${userId}`);
  await tx.execute(sql`delete from recovery_codes where user_id = ${userId}`);
}
