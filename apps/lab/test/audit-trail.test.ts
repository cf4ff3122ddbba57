import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabDatabase, LabExecutor } from '../src/db/lab-database.ts';
import type { AuditInput } from '../src/modules/audit/audit.repository.ts';
import { auditHash, genesisHash } from '../src/modules/audit/audit-hash.ts';
import type { AuditReceipt } from '../src/modules/audit/audit-trail.ts';
import { verifyChain } from '../src/modules/audit/audit-verifier.ts';
import { testAudit, testMacKey } from './support/audit-trail.ts';
import { openLabTestDatabase } from './support/lab-database.ts';
import { asSuperuser } from './support/superuser.ts';

let db: LabDatabase;
const appendAudit = (tx: LabExecutor, input: AuditInput) => testAudit.append(tx, input);
const appendAuditEntries = (tx: LabExecutor, inputs: AuditInput[]) => testAudit.appendMany(tx, inputs);
/** The chain entries of an append's receipts (sealed once its transaction has committed). */
const sealed = (receipts: AuditReceipt[]) => Promise.all(receipts.map((receipt) => receipt.sealed()));
const verify = (tx: LabExecutor) => verifyChain(tx, { macKey: testMacKey });
const onServer = process.env.TEST_DB === 'postgres';

beforeAll(async () => {
  db = await openLabTestDatabase();
});
afterAll(async () => db?.close());

const entry = (n: number, extra: Partial<AuditInput> = {}): AuditInput => ({
  actor_id: '6f1c1a4e-2a51-4c5e-9d3c-6a0b6c9f6d11',
  actor_email: 'scientist@lab.test',
  action: 'sample.update',
  entity_type: 'sample',
  entity_id: `S-${n}`,
  before: { quantity: n, unit: 'mL' },
  after: { quantity: n - 0.5, unit: 'mL', note: 'caf\u00e9 \u00fc "quoted"' },
  reason: 'aliquot taken',
  request_id: `req-${n}`,
  client_ip: '192.0.2.10',
  ...extra,
});

async function appendMany(count: number, from = 1) {
  for (let n = from; n < from + count; n += 1) await db.transaction((tx) => appendAudit(tx, entry(n)));
}

describe('audit trail hash chain', () => {
  it('hashes the canonical form, so key order and number spelling do not matter', () => {
    const base = { seq: 1, occurred_at: '2026-11-26T10:00:00.000Z', prev_hash: genesisHash, ...entry(1) };
    const reordered = { ...base, after: { note: 'caf\u00e9 \u00fc "quoted"', unit: 'mL', quantity: 0.5 } };
    expect(auditHash(reordered)).toBe(auditHash(base));
    expect(auditHash({ ...base, reason: 'other' })).not.toBe(auditHash(base));
    expect(auditHash({ ...base, occurred_at: '2026-11-26T10:00:00+00:00' })).toBe(auditHash(base));
  });

  it('links every entry to the one before, from genesis, and verifies', async () => {
    await appendMany(25);
    const result = await db.transaction((tx) => verify(tx));
    expect(result).toMatchObject({ valid: true, checked: 25, first_invalid_seq: null });
    const first = await db.kysely
      .selectFrom('audit_entries')
      .select('prev_hash')
      .where('seq', '=', 1)
      .executeTakeFirst();
    expect(first?.prev_hash).toBe(genesisHash);
  });

  it('appends a batch in order in one go, chained and stored exactly as single appends are', async () => {
    const before = await db.transaction((tx) => verify(tx));
    const batch = [
      entry(501, { before: null, reason: null, entity_id: null }),
      ...Array.from({ length: 39 }, (_, n) => entry(502 + n)),
    ];
    const appended = await sealed(await db.transaction((tx) => appendAuditEntries(tx, batch)));
    expect(appended.map((e) => e.seq)).toEqual(batch.map((_, n) => before.checked + n + 1));
    expect(appended[1]?.prev_hash).toBe(appended[0]?.hash);
    await db.transaction((tx) => appendAudit(tx, entry(541)));
    const after = await db.transaction((tx) => verify(tx));
    expect(after).toMatchObject({ valid: true, checked: before.checked + 41 });
    const {
      rows: [stored],
    } = await sql<{ before_is_sql_null: boolean; entity_id: string | null }>`
      select before is null as before_is_sql_null, entity_id from audit_entries where seq = ${appended[0]?.seq}`.execute(
      db.kysely,
    );
    expect(stored).toEqual({ before_is_sql_null: true, entity_id: null });
    expect(await db.transaction((tx) => appendAuditEntries(tx, []))).toEqual([]);
  });

  it('writes nothing when the transaction that carried the entry rolls back', async () => {
    const before = await db.transaction((tx) => verify(tx));
    await expect(
      db.transaction(async (tx) => {
        await appendAudit(tx, entry(999));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const after = await db.transaction((tx) => verify(tx));
    expect(after).toEqual(before);
  });

  it('refuses updates and deletes to the runtime role', async () => {
    for (const statement of [
      sql`update audit_entries set reason = 'x' where seq = 1`,
      sql`delete from audit_entries where seq = 1`,
    ]) {
      await expect(db.transaction((tx) => statement.execute(tx))).rejects.toThrow();
    }
  });

  it('refuses updates, deletes and truncation even to a superuser, through the trigger', async () => {
    await expect(asSuperuser(db, `UPDATE audit_entries SET reason = 'x' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(asSuperuser(db, 'DELETE FROM audit_entries WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(asSuperuser(db, 'TRUNCATE audit_entries')).rejects.toThrow(/append-only/);
    if (db.connection.kind === 'pglite') await db.connection.client.exec('SET SESSION AUTHORIZATION lab_app');
  });
});

describe('tampering is found at the exact entry', () => {
  const tamper = async (script: string) =>
    asSuperuser(
      db,
      `ALTER TABLE audit_entries DISABLE TRIGGER USER; ${script}; ALTER TABLE audit_entries ENABLE TRIGGER USER`,
    );

  it.each([
    ['an edited field', `UPDATE audit_entries SET reason = 'no reason' WHERE seq = 7`, 7, /content/],
    [
      'an edited value inside after',
      `UPDATE audit_entries SET after = jsonb_set(after, '{quantity}', '100') WHERE seq = 8`,
      8,
      /content/,
    ],
    [
      'a recomputed-looking hash',
      `UPDATE audit_entries SET hash = repeat('a', 64) WHERE seq = 9`,
      9,
      /content/,
    ],
    ['a deleted middle entry', 'DELETE FROM audit_entries WHERE seq = 12', 12, /missing/],
    ['a truncated tail', 'DELETE FROM audit_entries WHERE seq > 20', 21, /head says/],
  ])('%s', async (_label, script, seq, reason) => {
    const fresh = await openLabTestDatabase();
    const previous = db;
    db = fresh;
    try {
      await appendMany(25);
      await tamper(script);
      const result = await db.transaction((tx) => verify(tx));
      expect(result).toMatchObject({ valid: false, first_invalid_seq: seq });
      expect(result.reason).toMatch(reason);
    } finally {
      db = previous;
      await fresh.close();
    }
  });
});

describe.runIf(onServer)('concurrent appends on PostgreSQL', () => {
  it('64 concurrent audited writes leave one linear, valid chain', async () => {
    const fresh = await openLabTestDatabase();
    try {
      await Promise.all(
        Array.from({ length: 64 }, (_, n) => fresh.transaction((tx) => appendAudit(tx, entry(n + 1)))),
      );
      const result = await fresh.transaction((tx) => verify(tx));
      expect(result).toMatchObject({ valid: true, checked: 64 });
      // Batches and single appends racing each other still make one chain, each batch contiguous.
      const batches = await Promise.all(
        Array.from({ length: 32 }, async (_, n) =>
          sealed(
            await fresh.transaction((tx) =>
              n % 2 === 0
                ? appendAuditEntries(tx, [entry(100 + n), entry(200 + n), entry(300 + n)])
                : appendAudit(tx, entry(400 + n)).then((one) => [one]),
            ),
          ),
        ),
      );
      for (const appended of batches) {
        expect(appended.map((e) => e.seq - (appended[0]?.seq ?? 0))).toEqual(appended.map((_, i) => i));
      }
      const again = await fresh.transaction((tx) => verify(tx));
      expect(again).toMatchObject({ valid: true, checked: 64 + 16 * 3 + 16 });
    } finally {
      await fresh.close();
    }
  });
});
