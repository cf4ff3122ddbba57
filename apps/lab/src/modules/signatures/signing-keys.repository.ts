import type { LabExecutor } from '../../db/lab-database.ts';

export interface PublicKeyRow {
  key_id: string;
  algorithm: 'Ed25519' | 'RSA-PSS';
  public_key_pem: string;
  first_used_at: string;
}

/** Records the server's current public key (once), so what it signs stays verifiable after rotation. */
export async function registerSigningKey(
  tx: LabExecutor,
  key: { key_id: string; algorithm: 'Ed25519' | 'RSA-PSS'; public_key_pem: string },
): Promise<void> {
  await tx
    .insertInto('signing_keys')
    .values(key)
    .onConflict((conflict) => conflict.column('key_id').doNothing())
    .execute();
}

export function listSigningKeys(tx: LabExecutor): Promise<PublicKeyRow[]> {
  return tx
    .selectFrom('signing_keys')
    .select(['key_id', 'algorithm', 'public_key_pem', 'first_used_at'])
    .orderBy('first_used_at')
    .execute();
}

export async function publicKeyPems(tx: LabExecutor): Promise<string[]> {
  return (await listSigningKeys(tx)).map((key) => key.public_key_pem);
}
