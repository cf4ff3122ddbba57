import { type Executor, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';

export interface PublicKeyRow {
  key_id: string;
  algorithm: 'Ed25519' | 'RSA-PSS';
  public_key_pem: string;
  first_used_at: string;
}

/** Records the server's current public key (once), so what it signs stays verifiable after rotation. */
export async function registerSigningKey(
  tx: Executor,
  key: { key_id: string; algorithm: string; public_key_pem: string },
): Promise<void> {
  await tx.execute(sql`insert into signing_keys (key_id, algorithm, public_key_pem)
    values (${key.key_id}, ${key.algorithm}, ${key.public_key_pem}) on conflict (key_id) do nothing`);
}

export function listSigningKeys(tx: Executor): Promise<PublicKeyRow[]> {
  return queryRows<PublicKeyRow>(
    tx,
    sql`select key_id, algorithm, public_key_pem, to_json(first_used_at) #>> '{}' as first_used_at
        from signing_keys order by first_used_at`,
  );
}

export async function publicKeyPems(tx: Executor): Promise<string[]> {
  return (await listSigningKeys(tx)).map((key) => key.public_key_pem);
}
