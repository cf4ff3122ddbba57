import { type Executor, queryRows, textArray } from '@ours/platform/db';
import { sql } from 'drizzle-orm';

export interface RefreshTokenRow {
  id: string;
  family_id: string;
  user_id: string;
  amr: string[];
  expired: boolean;
  used: boolean;
  revoked: boolean;
}

export async function insertRefreshToken(
  tx: Executor,
  token: {
    family_id: string;
    user_id: string;
    hash: string;
    amr: string[];
    expires_at: Date;
    session_epoch: number;
  },
): Promise<void> {
  await tx.execute(sql`insert into refresh_tokens (family_id, user_id, token_hash, amr, expires_at, session_epoch)
    values (${token.family_id}, ${token.user_id}, ${token.hash}, ${textArray(token.amr)},
      ${token.expires_at.toISOString()}::timestamptz, ${token.session_epoch})`);
}

/** The token's row, locked: two refreshes racing with one token cannot both rotate it. */
export async function lockRefreshToken(
  tx: Executor,
  hash: string,
  now: Date,
): Promise<RefreshTokenRow | undefined> {
  const [row] = await queryRows<RefreshTokenRow>(
    tx,
    sql`select id, family_id, user_id, amr, expires_at <= ${now.toISOString()}::timestamptz as expired,
          used_at is not null as used,
          revoked_at is not null
            or session_epoch <> (select u.session_epoch from users u where u.id = refresh_tokens.user_id) as revoked
        from refresh_tokens where token_hash = ${hash} for update`,
  );
  return row;
}

export async function markRefreshTokenUsed(tx: Executor, id: string, now: Date): Promise<void> {
  await tx.execute(
    sql`update refresh_tokens set used_at = ${now.toISOString()}::timestamptz where id = ${id}`,
  );
}

/** Revokes every token of a login's family; returns how many were still live. */
export async function revokeFamily(tx: Executor, familyId: string, now: Date): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`update refresh_tokens set revoked_at = ${now.toISOString()}::timestamptz
        where family_id = ${familyId} and revoked_at is null returning id`,
  );
  return rows.length;
}
