import type { SqlBool } from 'kysely';
import type { LabExecutor } from '../../db/lab-database.ts';

export interface RefreshTokenRow {
  id: string;
  family_id: string;
  user_id: string;
  amr: string[];
  /** Kysely's SqlBool: PostgreSQL answers these as booleans. */
  expired: SqlBool;
  used: SqlBool;
  revoked: SqlBool;
}

/** Stores a refresh token's hash; returns the token's id (what its access tokens name as `rti`). */
export async function insertRefreshToken(
  tx: LabExecutor,
  token: {
    family_id: string;
    user_id: string;
    hash: string;
    amr: string[];
    expires_at: Date;
    session_epoch: number;
  },
): Promise<string> {
  const row = await tx
    .insertInto('refresh_tokens')
    .values({
      family_id: token.family_id,
      user_id: token.user_id,
      token_hash: token.hash,
      amr: token.amr,
      expires_at: token.expires_at.toISOString(),
      session_epoch: token.session_epoch,
    })
    .returning('id')
    .executeTakeFirst();
  if (!row) throw new Error('refresh token was not stored');
  return row.id;
}

/** The token's row, locked: two refreshes racing with one token cannot both rotate it. */
export function lockRefreshToken(
  tx: LabExecutor,
  hash: string,
  now: Date,
): Promise<RefreshTokenRow | undefined> {
  return tx
    .selectFrom('refresh_tokens as rt')
    .select((eb) => [
      'rt.id',
      'rt.family_id',
      'rt.user_id',
      'rt.amr',
      eb('rt.expires_at', '<=', now.toISOString()).as('expired'),
      eb('rt.used_at', 'is not', null).as('used'),
      eb
        .or([
          eb('rt.revoked_at', 'is not', null),
          eb(
            'rt.session_epoch',
            '<>',
            eb.selectFrom('users as u').select('u.session_epoch').whereRef('u.id', '=', 'rt.user_id'),
          ),
        ])
        .as('revoked'),
    ])
    .where('rt.token_hash', '=', hash)
    .forUpdate()
    .executeTakeFirst();
}

export async function markRefreshTokenUsed(tx: LabExecutor, id: string, now: Date): Promise<void> {
  await tx.updateTable('refresh_tokens').set({ used_at: now.toISOString() }).where('id', '=', id).execute();
}

/**
 * Revokes every token of a login's family (its session); returns how many were still live. Access
 * tokens of the session die with it: each names a token of the family (`rti`), now revoked.
 */
export async function revokeFamily(tx: LabExecutor, familyId: string, now: Date): Promise<number> {
  const rows = await tx
    .updateTable('refresh_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}
