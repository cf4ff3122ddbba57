import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabDatabase, LabExecutor } from '../src/db/lab-database.ts';
import { type AuditInput, auditHead } from '../src/modules/audit/audit.repository.ts';
import { verifyChain } from '../src/modules/audit/audit-verifier.ts';
import { insertCheckpoint } from '../src/modules/audit/checkpoint.repository.ts';
import {
  checkpointSignatureValid,
  generateSigningKey,
  signCheckpoint,
} from '../src/modules/audit/checkpoint-signer.ts';
import { testAudit, testMacKey } from './support/audit-trail.ts';
import { openLabTestDatabase } from './support/lab-database.ts';
import { asSuperuser } from './support/superuser.ts';

let db: LabDatabase;
const appendAudit = (tx: LabExecutor, input: AuditInput) => testAudit.append(tx, input);
const key = generateSigningKey();
const oldKey = generateSigningKey();

beforeEach(async () => {
  db = await openLabTestDatabase();
});
afterEach(async () => db.close());

const entry = (n: number): AuditInput => ({
  actor_id: null,
  actor_email: 'admin@lab.test',
  action: 'device.calibrate',
  entity_type: 'device',
  entity_id: `D-${n}`,
  before: null,
  after: { result: 'pass' },
  reason: null,
  request_id: null,
  client_ip: null,
});

/** Signs the current head without the service's checks (tests tamper around it). */
async function writeCheckpoint(tx: LabExecutor, privateKeyPem: string, now: Date) {
  const head = await auditHead(tx);
  const checkpoint = signCheckpoint(privateKeyPem, {
    seq: head.seq,
    head_hash: head.hash,
    signed_at: now.toISOString(),
  });
  await insertCheckpoint(tx, checkpoint);
  return checkpoint;
}

async function appendMany(count: number, from = 1) {
  for (let n = from; n < from + count; n += 1) await db.transaction((tx) => appendAudit(tx, entry(n)));
}

describe('checkpoint signatures', () => {
  it('verify with the signing key, also after rotation, and not with another key', () => {
    const checkpoint = signCheckpoint(oldKey.privateKeyPem, {
      seq: 3,
      head_hash: 'a'.repeat(64),
      signed_at: '2026-11-26T10:00:00Z',
    });
    expect(checkpointSignatureValid(checkpoint, [key.publicKeyPem, oldKey.publicKeyPem])).toBe(true);
    expect(checkpointSignatureValid(checkpoint, [key.publicKeyPem])).toBe(false);
    expect(checkpointSignatureValid({ ...checkpoint, seq: 4 }, [oldKey.publicKeyPem])).toBe(false);
  });
});

describe('the chain against its latest checkpoint', () => {
  it('is valid and reports the checkpoint', async () => {
    await appendMany(10);
    const checkpoint = await db.transaction((tx) => writeCheckpoint(tx, key.privateKeyPem, new Date()));
    await appendMany(5, 11);
    const result = await db.transaction((tx) =>
      verifyChain(tx, { macKey: testMacKey, publicKeysPem: [key.publicKeyPem] }),
    );
    expect(result).toMatchObject({
      valid: true,
      checked: 15,
      last_checkpoint: { seq: 10, key_id: checkpoint.key_id },
    });
  });

  it('catches a tail cut off together with the head', async () => {
    await appendMany(25);
    await db.transaction((tx) => writeCheckpoint(tx, key.privateKeyPem, new Date()));
    await asSuperuser(
      db,
      `ALTER TABLE audit_entries DISABLE TRIGGER USER;
      DELETE FROM audit_entries WHERE seq > 20;
      UPDATE audit_head SET seq = 20, hash = (SELECT hash FROM audit_entries WHERE seq = 20);
      ALTER TABLE audit_entries ENABLE TRIGGER USER`,
    );
    const result = await db.transaction((tx) =>
      verifyChain(tx, { macKey: testMacKey, publicKeysPem: [key.publicKeyPem] }),
    );
    expect(result).toMatchObject({ valid: false, first_invalid_seq: 21 });
    expect(result.reason).toMatch(/checkpoint/);
  });

  it('refuses a checkpoint no trusted key signed', async () => {
    await appendMany(3);
    await db.transaction((tx) => writeCheckpoint(tx, oldKey.privateKeyPem, new Date()));
    const result = await db.transaction((tx) =>
      verifyChain(tx, { macKey: testMacKey, publicKeysPem: [key.publicKeyPem] }),
    );
    expect(result).toMatchObject({ valid: false, reason: expect.stringMatching(/signature/) });
  });

  it('keeps checkpoints append-only', async () => {
    await appendMany(1);
    await db.transaction((tx) => writeCheckpoint(tx, key.privateKeyPem, new Date()));
    await expect(asSuperuser(db, 'DELETE FROM audit_checkpoints')).rejects.toThrow(/append-only/);
  });
});
