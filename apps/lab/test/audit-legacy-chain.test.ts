import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite, pgliteDatabase, postgresDatabase } from '@ours/platform/db';
import { migrate, migratePostgres, pgliteMigrationClient } from '@ours/platform/migrate';
import { testAdminUrl, testDatabaseUrl } from '@ours/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabDatabase, LabSchema } from '../src/db/lab-database.ts';
import type { AuditInput } from '../src/modules/audit/audit.repository.ts';
import { verifyChain } from '../src/modules/audit/audit-verifier.ts';
import { testAudit, testMacKey } from './support/audit-trail.ts';

/**
 * A chain written by the code before entries were sealed (commit aa89f83: single appends hashed in
 * SQL, batch appends in JS, a signed checkpoint; unicode, nested JSON, odd numbers), exported from its
 * tables. An upgrade must keep it verifiable, then seal what comes after it.
 */
interface LegacyChain {
  entries: Record<string, unknown>[];
  head: { seq: string; hash: string }[];
  checkpoints: Record<string, unknown>[];
  signing_keys: { key_id: string; algorithm: string; public_key_pem: string }[];
}

const migrationsDir = new URL('../migrations/', import.meta.url).pathname;
/** The first migration of the sealed trail; the fixture's database stopped before it. */
const sealMigration = '20261204T1000Z_audit_seal.sql';
const onServer = process.env.TEST_DB === 'postgres';

function insertScript(legacy: LegacyChain): string {
  const json = (value: unknown) => `'${JSON.stringify(value).replaceAll("'", "''")}'::jsonb`;
  return `
    INSERT INTO audit_entries (seq, occurred_at, actor_id, actor_email, action, entity_type, entity_id, before,
      after, reason, request_id, client_ip, prev_hash, hash)
    SELECT seq, occurred_at, actor_id, actor_email, action, entity_type, entity_id, nullif(before, 'null'),
      nullif(after, 'null'), reason, request_id, client_ip, prev_hash, hash
    FROM jsonb_to_recordset(${json(legacy.entries)}) AS r(seq bigint, occurred_at timestamptz, actor_id uuid,
      actor_email text, action text, entity_type text, entity_id text, before jsonb, after jsonb, reason text,
      request_id text, client_ip text, prev_hash text, hash text);
    UPDATE audit_head SET seq = ${Number(legacy.head[0]?.seq)}, hash = '${legacy.head[0]?.hash}';
    INSERT INTO audit_checkpoints (seq, head_hash, signed_at, key_id, algorithm, signature)
    SELECT seq, head_hash, signed_at, key_id, algorithm, signature FROM jsonb_to_recordset(${json(legacy.checkpoints)})
      AS c(seq bigint, head_hash text, signed_at timestamptz, key_id text, algorithm text, signature text);
    INSERT INTO signing_keys (key_id, algorithm, public_key_pem)
    SELECT key_id, algorithm, public_key_pem FROM jsonb_to_recordset(${json(legacy.signing_keys)})
      AS k(key_id text, algorithm text, public_key_pem text);`;
}

/** A database migrated to just before the seal, holding the legacy chain, then upgraded. */
async function upgradedDatabase(
  legacy: LegacyChain,
): Promise<{ db: LabDatabase; drop: () => Promise<void> }> {
  const before = await mkdtemp(join(tmpdir(), 'lab-migrations-'));
  for (const file of (await readdir(migrationsDir)).filter((name) => name < sealMigration)) {
    await cp(join(migrationsDir, file), join(before, file));
  }
  try {
    if (!onServer) {
      const client = await openPglite('memory://');
      await migrate(pgliteMigrationClient(client), before, 'migrations:lab');
      await client.exec(insertScript(legacy));
      await migrate(pgliteMigrationClient(client), migrationsDir, 'migrations:lab');
      return { db: await pgliteDatabase<LabSchema>(client, 'lab_app'), drop: async () => {} };
    }
    const name = `lab_legacy_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: testAdminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await migratePostgres(testDatabaseUrl(name), before, 'migrations:lab');
    const owner = new pg.Client({ connectionString: testDatabaseUrl(name) });
    await owner.connect();
    await owner.query(insertScript(legacy));
    await owner.end();
    await migratePostgres(testDatabaseUrl(name), migrationsDir, 'migrations:lab');
    const url = new URL(testDatabaseUrl(name));
    url.username = 'lab_app';
    const db = postgresDatabase<LabSchema>(url.toString(), 'lab_app', 2);
    return {
      db,
      drop: async () => {
        await db.close();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  } finally {
    await rm(before, { recursive: true, force: true });
  }
}

describe('a chain written before entries were sealed', () => {
  let legacy: LegacyChain;
  let upgraded: { db: LabDatabase; drop: () => Promise<void> };
  beforeAll(async () => {
    legacy = JSON.parse(
      await readFile(new URL('./fixtures/legacy-audit-chain.json', import.meta.url), 'utf8'),
    );
    upgraded = await upgradedDatabase(legacy);
  });
  afterAll(async () => {
    if (onServer) await upgraded?.drop();
    else await upgraded?.db.close();
  });

  const publicKeysPem = () => legacy.signing_keys.map((key) => key.public_key_pem);

  it('still verifies after the upgrade, checkpoint and all', async () => {
    const result = await upgraded.db.transaction((tx) =>
      verifyChain(tx, { macKey: testMacKey, publicKeysPem: publicKeysPem() }),
    );
    expect(result).toMatchObject({ valid: true, checked: legacy.entries.length, first_invalid_seq: null });
    expect(result.last_checkpoint?.seq).toBe(Number(legacy.checkpoints[0]?.seq));
  });

  it('requires seals only after it: new entries chain on and are sealed', async () => {
    const input: AuditInput = {
      actor_id: null,
      actor_email: 'system:test',
      action: 'sample.update',
      entity_type: 'sample',
      entity_id: 'after-upgrade',
      before: { unit: 'mL' },
      after: { unit: 'µL' },
      reason: 'after the upgrade',
      request_id: null,
      client_ip: null,
    };
    const [receipt] = await upgraded.db.transaction((tx) => testAudit.appendMany(tx, [input, input]));
    const appended = await receipt?.sealed();
    expect(appended?.seq).toBe(legacy.entries.length + 1);
    const result = await upgraded.db.transaction((tx) =>
      verifyChain(tx, { macKey: testMacKey, publicKeysPem: publicKeysPem() }),
    );
    expect(result).toMatchObject({ valid: true, checked: legacy.entries.length + 2 });
    const settings = await upgraded.db.kysely
      .selectFrom('audit_settings')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(settings.sealed_from_seq).toBe(legacy.entries.length + 1);
  });
});
