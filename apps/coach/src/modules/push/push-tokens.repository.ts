import { sql } from 'kysely';
import type { CoachExecutor } from '../../db/coach-database.ts';
import type { PushToken, PushTokenBody } from './push-tokens.schema.ts';

const columns = ['id', 'token', 'platform', 'created_at', 'last_registered_at'] as const;

/** The token's row whoever owns it, locked for this transaction (service role only). */
export function lockToken(tx: CoachExecutor, token: string) {
  return tx
    .selectFrom('push_tokens')
    .select(['id', 'user_id'])
    .where('token', '=', token)
    .forUpdate()
    .executeTakeFirst();
}

/** Renews the user's own registration (platform may change after an OS migration). */
export function renewToken(tx: CoachExecutor, id: string, platform: PushTokenBody['platform']) {
  return tx
    .updateTable('push_tokens')
    .set({ platform, last_registered_at: sql<string>`now()` })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirstOrThrow();
}

/**
 * Deletes tokens whoever owns them (service role): one that moved to another user, or ones Expo
 * reported as no longer registered (their deliveries keep the failure).
 */
export async function deleteTokens(tx: CoachExecutor, tokenIds: string[]): Promise<void> {
  if (tokenIds.length === 0) return;
  await tx.deleteFrom('push_tokens').where('id', 'in', tokenIds).execute();
}

/** How many tokens are registered, all users' (service role; for /metrics). */
export async function countTokens(tx: CoachExecutor): Promise<number> {
  const row = await tx
    .selectFrom('push_tokens')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** A new row; a concurrent registration of the same token by the same user renews instead. */
export function insertToken(tx: CoachExecutor, userId: string, body: PushTokenBody): Promise<PushToken> {
  return tx
    .insertInto('push_tokens')
    .values({ user_id: userId, token: body.token, platform: body.platform })
    .onConflict((conflict) =>
      conflict.column('token').doUpdateSet({
        user_id: userId,
        platform: body.platform,
        last_registered_at: sql<string>`now()`,
      }),
    )
    .returning(columns)
    .executeTakeFirstOrThrow();
}

/** Keeps the user's `cap` most recently registered tokens and deletes the rest. */
export async function evictBeyondCap(tx: CoachExecutor, userId: string, cap: number): Promise<void> {
  await tx
    .deleteFrom('push_tokens')
    .where('user_id', '=', userId)
    .where('id', 'not in', (eb) =>
      eb
        .selectFrom('push_tokens')
        .select('id')
        .where('user_id', '=', userId)
        .orderBy('last_registered_at', 'desc')
        .orderBy('created_at', 'desc')
        .limit(cap),
    )
    .execute();
}

/** The signed-in user's tokens (row-level security), most recently registered first. */
export function listOwnTokens(tx: CoachExecutor): Promise<PushToken[]> {
  return tx.selectFrom('push_tokens').select(columns).orderBy('last_registered_at', 'desc').execute();
}

/** Deletes one of the signed-in user's tokens; false when it is not theirs or not there (RLS). */
export async function deleteOwnToken(tx: CoachExecutor, id: string): Promise<boolean> {
  const result = await tx.deleteFrom('push_tokens').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
