import type { LabExecutor } from '../../db/lab-database.ts';

/** Stores the hash of a fresh one-time setup token (there is at most one). */
export async function storeSetupToken(tx: LabExecutor, tokenHash: string): Promise<void> {
  await tx
    .insertInto('setup_tokens')
    .values({ id: true, token_hash: tokenHash })
    .onConflict((conflict) =>
      conflict.column('id').doUpdateSet((eb) => ({
        token_hash: eb.ref('excluded.token_hash'),
        created_at: eb.fn('now'),
      })),
    )
    .execute();
}

/** The stored token's hash, row-locked so two setups racing with it cannot both use it. */
export async function lockSetupToken(tx: LabExecutor): Promise<string | undefined> {
  const row = await tx
    .selectFrom('setup_tokens')
    .select('token_hash')
    .where('id', '=', true)
    .forUpdate()
    .executeTakeFirst();
  return row?.token_hash;
}

/** Removes the setup token: it is spent, or accounts exist and it is no longer needed. */
export async function deleteSetupTokens(tx: LabExecutor): Promise<void> {
  await tx.deleteFrom('setup_tokens').execute();
}
