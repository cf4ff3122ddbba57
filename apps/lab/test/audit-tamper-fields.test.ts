import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabDatabase, LabExecutor } from '../src/db/lab-database.ts';
import type { AuditInput } from '../src/modules/audit/audit.repository.ts';
import { verifyChain } from '../src/modules/audit/audit-verifier.ts';
import { testAudit, testMacKey } from './support/audit-trail.ts';
import { openLabTestDatabase } from './support/lab-database.ts';
import { asSuperuser } from './support/superuser.ts';

let db: LabDatabase;
const appendAudit = (tx: LabExecutor, input: AuditInput) => testAudit.append(tx, input);
const entries = 30;

const entry = (n: number): AuditInput => ({
  actor_id: '2b0c6f0e-5a43-4bb7-8f7e-3c1d2a9e4f10',
  actor_email: 'tech@lab.test',
  action: 'inventory.consume',
  entity_type: 'lot',
  entity_id: `LOT-${n}`,
  before: { quantity: 10 * n },
  after: { quantity: 10 * n - 1 },
  reason: `run ${n}`,
  request_id: `request-${n}`,
  client_ip: '192.0.2.44',
});

beforeAll(async () => {
  db = await openLabTestDatabase();
  for (let n = 1; n <= entries; n += 1) await db.transaction((tx) => appendAudit(tx, entry(n)));
});
afterAll(async () => db?.close());

/** Edits one column of one entry as a superuser (trigger off), verifies, and puts the value back (from a
 * plain table: each superuser call may be a new session). */
async function verifyWithEdit(seq: number, column: string, expression: string) {
  const backup = `audit_backup_${column}`;
  await asSuperuser(
    db,
    `CREATE TABLE IF NOT EXISTS ${backup} AS SELECT * FROM audit_entries WHERE false;
     INSERT INTO ${backup} SELECT * FROM audit_entries WHERE seq = ${seq};
     ALTER TABLE audit_entries DISABLE TRIGGER USER;
     UPDATE audit_entries SET ${column} = ${expression} WHERE seq = ${seq};
     ALTER TABLE audit_entries ENABLE TRIGGER USER`,
  );
  try {
    return await db.transaction((tx) => verifyChain(tx, { macKey: testMacKey }));
  } finally {
    await asSuperuser(
      db,
      `ALTER TABLE audit_entries DISABLE TRIGGER USER;
       UPDATE audit_entries SET ${column} = b.${column} FROM ${backup} b WHERE audit_entries.seq = ${seq} AND b.seq = ${seq};
       DELETE FROM ${backup};
       ALTER TABLE audit_entries ENABLE TRIGGER USER`,
    );
  }
}

// Every stored field, each changed in a way a forger might try.
const edits: [string, string][] = [
  ['occurred_at', `occurred_at + interval '1 millisecond'`],
  ['actor_id', `'00000000-0000-4000-8000-000000000000'`],
  ['actor_email', `'someone.else@lab.test'`],
  ['action', `'inventory.receive'`],
  ['entity_type', `'sample'`],
  ['entity_id', `'LOT-999'`],
  ['before', `'{"quantity": 1}'::jsonb`],
  ['after', `NULL`],
  ['reason', `'corrected'`],
  ['request_id', `NULL`],
  ['client_ip', `'203.0.113.1'`],
  ['prev_hash', `repeat('0', 64)`],
  ['hash', `repeat('f', 64)`],
  ['mac', `repeat('e', 64)`],
];

describe('an edit to any field of any entry is found at that entry', () => {
  it('starts from a valid chain', async () => {
    expect(await db.transaction((tx) => verifyChain(tx, { macKey: testMacKey }))).toMatchObject({
      valid: true,
      checked: entries,
    });
  });

  it.each(
    edits.map(([column, expression], index) => [column, expression, 1 + ((index * 7) % entries)] as const),
  )('%s', async (column, expression, seq) => {
    const result = await verifyWithEdit(seq, column, expression);
    expect(result).toMatchObject({ valid: false, first_invalid_seq: seq });
  });

  it('is valid again once every field is restored', async () => {
    expect(await db.transaction((tx) => verifyChain(tx, { macKey: testMacKey }))).toMatchObject({
      valid: true,
      checked: entries,
    });
  });
});
