import { createSecretKey } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabDatabase, LabExecutor } from '../src/db/lab-database.ts';
import { type AuditInput, auditHead, chainEntries } from '../src/modules/audit/audit.repository.ts';
import { auditHash, auditMac, genesisHash } from '../src/modules/audit/audit-hash.ts';
import { verifyChain, verifySegment } from '../src/modules/audit/audit-verifier.ts';
import { testAudit, testMacKey } from './support/audit-trail.ts';
import { openLabTestDatabase } from './support/lab-database.ts';
import { asSuperuser } from './support/superuser.ts';

let db: LabDatabase;
beforeEach(async () => {
  db = await openLabTestDatabase();
  for (let n = 1; n <= 6; n += 1) await db.transaction((tx) => testAudit.append(tx, entry(n)));
});
afterEach(async () => db.close());

const entry = (n: number): AuditInput => ({
  actor_id: null,
  actor_email: 'tech@lab.test',
  action: 'device.use',
  entity_type: 'device',
  entity_id: `D-${n}`,
  before: null,
  after: { minutes: n },
  reason: null,
  request_id: null,
  client_ip: null,
});
const verify = (tx: LabExecutor) => verifyChain(tx, { macKey: testMacKey });

/**
 * What someone holding only lab_app's credentials can do: compute the next entry exactly as the
 * server would (the chain format is public) and append it with the head moved, with a seal they
 * made up (they do not have the server's key).
 */
async function forgeEntry(tx: LabExecutor, mac: string | null) {
  const head = await auditHead(tx);
  const [forged] = chainEntries(
    { ...head, occurred_at: new Date().toISOString() },
    [{ ...entry(99), action: 'device.calibrate', after: { result: 'pass' } }],
    createSecretKey(Buffer.alloc(32)),
  );
  if (!forged) throw new Error('no entry');
  await sql`insert into audit_entries (seq, occurred_at, actor_email, action, entity_type, entity_id, after,
      prev_hash, hash, mac)
    values (${forged.seq}, ${forged.occurred_at}, ${forged.actor_email}, ${forged.action}, ${forged.entity_type},
      ${forged.entity_id}, ${JSON.stringify(forged.after)}, ${forged.prev_hash}, ${forged.hash}, ${mac})`.execute(
    tx,
  );
  await sql`update audit_head set seq = ${forged.seq}, hash = ${forged.hash}`.execute(tx);
  return forged;
}

describe('entries are sealed with a key the database never holds', () => {
  it('seals every entry the server appends, and verifies them', async () => {
    expect(await db.transaction(verify)).toMatchObject({ valid: true, checked: 6 });
    const stored = await db.kysely
      .selectFrom('audit_entries')
      .select(['hash', 'mac'])
      .orderBy('seq')
      .execute();
    for (const row of stored) expect(row.mac).toBe(auditMac(testMacKey, row.hash));
  });

  it('finds a correctly chained entry appended with the database credentials alone', async () => {
    const forged = await db.transaction((tx) => forgeEntry(tx, 'c'.repeat(64)));
    // The chain itself looks perfect: links and hashes are all right.
    expect(forged.hash).toBe(auditHash(forged));
    const result = await db.transaction(verify);
    expect(result).toMatchObject({ valid: false, first_invalid_seq: 7 });
    expect(result.reason).toMatch(/not sealed/);
  });

  it('refuses an unsealed entry in the table itself', async () => {
    await expect(db.transaction((tx) => forgeEntry(tx, null))).rejects.toThrow(/audit_entries_sealed/);
  });

  it('lets no one move where seals start (lab_app may only read the setting)', async () => {
    await expect(sql`update audit_settings set sealed_from_seq = 1000`.execute(db.kysely)).rejects.toThrow(
      /permission denied/,
    );
  });

  it('reports a rewritten middle entry that was re-hashed and re-sealed at the NEXT entry (the broken link)', async () => {
    // Even with the key, rewriting history cannot hide: entry 4's own hash and seal are made right,
    // but entry 5 still names the old hash as its predecessor.
    const [middle] = await db.kysely.selectFrom('audit_entries').selectAll().where('seq', '=', 4).execute();
    if (!middle) throw new Error('no entry 4');
    const rewritten = { ...middle, reason: 'rewritten' };
    const hash = auditHash(rewritten);
    await asSuperuser(
      db,
      `ALTER TABLE audit_entries DISABLE TRIGGER USER;
       UPDATE audit_entries SET reason = 'rewritten', hash = '${hash}', mac = '${auditMac(testMacKey, hash)}' WHERE seq = 4;
       ALTER TABLE audit_entries ENABLE TRIGGER USER`,
    );
    const result = await db.transaction(verify);
    expect(result).toMatchObject({ valid: false, first_invalid_seq: 5 });
    expect(result.reason).toMatch(/does not link/);
  });

  it('verifies a segment from a known entry on (what a checkpoint checks before it signs)', async () => {
    const third = await db.kysely
      .selectFrom('audit_entries')
      .select('hash')
      .where('seq', '=', 3)
      .executeTakeFirstOrThrow();
    const segment = await db.transaction((tx) =>
      verifySegment(tx, { afterSeq: 3, afterHash: third.hash }, { macKey: testMacKey, sealedFrom: 1 }),
    );
    expect(segment).toMatchObject({ checked: 3, last_seq: 6, broken: null });
    const wrongStart = await db.transaction((tx) =>
      verifySegment(tx, { afterSeq: 3, afterHash: genesisHash }, { macKey: testMacKey, sealedFrom: 1 }),
    );
    expect(wrongStart.broken).toMatchObject({ seq: 4 });
  });
});
