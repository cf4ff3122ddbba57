import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabDatabase, LabExecutor } from '../src/db/lab-database.ts';
import type { AuditInput } from '../src/modules/audit/audit.repository.ts';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { testAudit } from './support/audit-trail.ts';
import { openLabTestDatabase } from './support/lab-database.ts';
import { asSuperuser } from './support/superuser.ts';

/**
 * Tables that hold no regulated record, and why: the chain and its bookkeeping (append-only on their
 * own), session plumbing (logins are audited), public keys (facts about the server), derived alerts
 * (recomputed from the audited stock), job run records (what a run changed is audited), and a
 * workflow run's step records and instrument data (append-only; the run's closing audit entry
 * carries the step records' count and a hash over them, so a record added or dropped later shows). Every other table must carry the
 * coverage trigger: a new table is either regulated or named here.
 */
const exempt = [
  'audit_checkpoints',
  'audit_entries',
  'audit_head',
  'audit_pending',
  'audit_settings',
  'inventory_alerts',
  'job_runs',
  'refresh_tokens',
  'run_data',
  'run_event_heads',
  'run_events',
  'run_steps',
  'schema_migrations',
  'setup_tokens',
  'signing_keys',
];

const userId = '6a1f0f2e-0000-4000-8000-00000000c0de';
const sampleId = '6a1f0f2e-0000-4000-8000-0000000005a1';

let db: LabDatabase;
beforeAll(async () => {
  db = await openLabTestDatabase();
  // Fixtures written past the triggers (replica mode), as a restore would: the tests are about what
  // lab_app can commit afterwards.
  await asSuperuser(
    db,
    `SET session_replication_role = replica;
     INSERT INTO users (id, email, full_name, password_hash) VALUES ('${userId}', 'cover@lab.test', 'Cover', 'x');
     INSERT INTO samples (id, lab_id, sample_id, sample_type, quantity, unit, created_by)
       VALUES ('${sampleId}', '${defaultLabId}', 'COV-1', 'plasma', 5, 'mL', '${userId}');
     SET session_replication_role = origin`,
  );
});
afterAll(async () => db?.close());

const entryFor = (entityType: string, entityId: string): AuditInput => ({
  actor_id: userId,
  actor_email: 'cover@lab.test',
  action: `${entityType}.update`,
  entity_type: entityType,
  entity_id: entityId,
  before: null,
  after: null,
  reason: 'coverage test',
  request_id: null,
  client_ip: null,
});

const asLab = <T>(fn: (tx: LabExecutor) => Promise<T>) => inLabs(db, [defaultLabId], fn);

describe('the database refuses to commit an unaudited change to a regulated record', () => {
  it('refuses a raw update as the app role with no audit entry', async () => {
    await expect(
      asLab((tx) => sql`update samples set unit = 'L' where id = ${sampleId}`.execute(tx)),
    ).rejects.toThrow(/audit coverage: UPDATE on samples \(sample .*\) has no audit entry/);
    const sample = await asLab((tx) =>
      tx.selectFrom('samples').select('unit').where('id', '=', sampleId).executeTakeFirstOrThrow(),
    );
    expect(sample.unit).toBe('mL');
  });

  it('refuses a raw insert, and an entry about another record does not count', async () => {
    await expect(
      asLab(async (tx) => {
        await sql`insert into samples (lab_id, sample_id, sample_type, quantity, unit, created_by)
          values (${defaultLabId}, 'COV-2', 'plasma', 1, 'mL', ${userId})`.execute(tx);
        await testAudit.append(tx, entryFor('sample', sampleId));
      }),
    ).rejects.toThrow(/audit coverage: INSERT on samples/);
  });

  it('commits the same change with its entry appended later in the transaction', async () => {
    await asLab(async (tx) => {
      await sql`update samples set unit = 'L' where id = ${sampleId}`.execute(tx);
      await testAudit.append(tx, entryFor('sample', sampleId));
    });
    const sample = await asLab((tx) =>
      tx.selectFrom('samples').select('unit').where('id', '=', sampleId).executeTakeFirstOrThrow(),
    );
    expect(sample.unit).toBe('L');
  });

  it('needs no entry for an update that changes only bookkeeping', async () => {
    await asLab((tx) => sql`update samples set updated_at = now() where id = ${sampleId}`.execute(tx));
    await db.transaction((tx) => sql`update users set mfa_last_step = 7 where id = ${userId}`.execute(tx));
  });

  it("covers a user's regulated columns and memberships too", async () => {
    await expect(
      db.transaction((tx) => sql`update users set full_name = 'Renamed' where id = ${userId}`.execute(tx)),
    ).rejects.toThrow(/audit coverage: UPDATE on users/);
    await expect(
      db.transaction((tx) => sql`update users set failed_attempts = 5 where id = ${userId}`.execute(tx)),
    ).rejects.toThrow(/audit coverage: UPDATE on users/);
    await expect(
      db.transaction((tx) =>
        sql`insert into lab_members (user_id, lab_id) values (${userId}, ${defaultLabId})`.execute(tx),
      ),
    ).rejects.toThrow(/audit coverage: INSERT on lab_members \(user /);
  });
});

describe('every table is either regulated or deliberately exempt', () => {
  it('has the coverage trigger on every table not named as exempt', async () => {
    const { rows } = await sql<{ table: string; covered: boolean }>`
      select c.relname as table,
        exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = 'audit_coverage'
                and t.tgdeferrable and t.tginitdeferred) as covered
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`.execute(db.kysely);
    const uncovered = rows.filter((row) => !row.covered).map((row) => row.table);
    expect(uncovered.sort()).toEqual([...exempt].sort());
  });
});
