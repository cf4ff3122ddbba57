import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabDatabase, LabExecutor } from '../src/db/lab-database.ts';
import { defaultOrganizationId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { testAudit } from './support/audit-trail.ts';
import { openLabTestDatabase } from './support/lab-database.ts';
import {
  createLabRows,
  fixtureEntry,
  type LabOwnedTableName,
  type LabRows,
  labOwnedTables,
} from './support/lab-owned-rows.ts';

/**
 * The tables whose rows belong to one lab, each limited by row-level security to the labs in
 * `app.lab_ids` (docs/lab-domain.md). A new table with a lab_id fails here until it is added (with
 * a row factory in support/lab-owned-rows.ts) or named below as deliberately unscoped.
 */
const labScoped: LabOwnedTableName[] = [
  'batches',
  'calibration_certificates',
  'calibration_entries',
  'config_snapshots',
  'containers',
  'device_hubs',
  'device_usage',
  'devices',
  'inventory_alerts',
  'inventory_items',
  'inventory_lots',
  'inventory_movements',
  'inventory_vendors',
  'nodes',
  'projects',
  'run_data',
  'run_devices',
  'run_event_heads',
  'run_events',
  'run_steps',
  'sample_lineage',
  'samples',
  'workflow_executions',
  'workflow_sample_assignments',
  'workflow_versions',
  'workflows',
];

/** Tables with a lab_id that the scope does not limit, and why. */
const unscoped: Record<string, string> = {
  lab_members: 'the scope is computed from it: the principal lookup reads it before any scope is set',
};

/** Append-only ledgers, and workflow names (they never change): the runtime role may not update them. */
const appendOnly: LabOwnedTableName[] = [
  'calibration_certificates',
  'calibration_entries',
  'config_snapshots',
  'device_usage',
  'inventory_movements',
  'run_data',
  'run_events',
  'run_steps',
  'sample_lineage',
  'workflow_sample_assignments',
  'workflows',
];

/** The one expression the migrations give every lab_scope policy, for reads and for writes. */
const scopeExpression = '(lab_id = ANY (app_lab_ids()))';

let db: LabDatabase;
const actor = randomUUID();
const labA = randomUUID();
const labB = randomUUID();
let rowsA: LabRows;
let rowsB: LabRows;

beforeAll(async () => {
  db = await openLabTestDatabase();
  // Everything below is written as lab_app, with the audit entries the coverage trigger requires.
  await db.transaction(async (tx) => {
    await sql`insert into users (id, email, full_name, password_hash)
      values (${actor}, ${`rls-${actor.slice(0, 8)}@lab.test`}, 'Scope Tester', 'x')`.execute(tx);
    for (const [id, code] of [
      [labA, 'SCOPEA'],
      [labB, 'SCOPEB'],
    ] as const) {
      await sql`insert into labs (id, organization_id, code, name)
        values (${id}, ${defaultOrganizationId}, ${code}, ${`Lab ${code}`})`.execute(tx);
    }
    await testAudit.appendMany(tx, [
      fixtureEntry(actor, 'user', actor),
      fixtureEntry(actor, 'lab', labA),
      fixtureEntry(actor, 'lab', labB),
    ]);
  });
  rowsA = await inLabs(db, [labA], (tx) => createLabRows(tx, labA, actor));
  rowsB = await inLabs(db, [labB], (tx) => createLabRows(tx, labB, actor));
}, 60_000);
afterAll(async () => db?.close());

const keyOf = (rows: LabRows, table: LabOwnedTableName) => rows[table] as string;

async function countRow(tx: LabExecutor, table: LabOwnedTableName, key: string): Promise<number> {
  const column = labOwnedTables[table].keyColumn;
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from ${sql.table(table)} where ${sql.ref(column)} = ${key}`.execute(tx);
  return Number(rows[0]?.n);
}

/** How many rows with this key the runtime role sees with `app.lab_ids` set to `labs`. */
const seenFrom = (labs: string[], table: LabOwnedTableName, key: string) =>
  inLabs(db, labs, (tx) => countRow(tx, table, key));

/**
 * Rows an update through lab_app scoped to `labs` touched (set lab_id = `to`, or to itself). Its
 * WHERE reads the table, so PostgreSQL checks the new row against the policy's USING as well as its
 * WITH CHECK: the insert test, not this, is what pins WITH CHECK on its own.
 */
const moveRow = (labs: string[], table: LabOwnedTableName, key: string, to?: string) =>
  inLabs(db, labs, async (tx) => {
    const column = labOwnedTables[table].keyColumn;
    const target = to === undefined ? sql.ref('lab_id') : sql`${to}::uuid`;
    const result = await sql`update ${sql.table(table)} set lab_id = ${target}
      where ${sql.ref(column)} = ${key}`.execute(tx);
    return Number(result.numAffectedRows);
  });

const rlsViolation = (table: string) => `new row violates row-level security policy for table "${table}"`;

describe('which tables the lab scope covers, in the catalog', () => {
  it('scopes every public table with a lab_id column, except the ones stated as unscoped', async () => {
    const { rows } = await sql<{ table: string }>`
      select c.relname as table from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'lab_id' and not a.attisdropped
      where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`.execute(db.kysely);
    expect(rows.map((row) => row.table)).toEqual([...labScoped, ...Object.keys(unscoped)].sort());
    expect(Object.keys(labOwnedTables).sort()).toEqual(labScoped);
  });

  it('has row-level security enabled and forced on each scoped table', async () => {
    const { rows } = await sql<{ table: string; enabled: boolean; forced: boolean }>`
      select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relname = any(${labScoped}::text[]) order by 1`.execute(db.kysely);
    expect(rows).toEqual(labScoped.map((table) => ({ table, enabled: true, forced: true })));
  });

  it('gives each scoped table one policy, lab_scope, limiting reads and writes to the scoped labs', async () => {
    const { rows } = await sql`
      select tablename as table, policyname as name, permissive, array_to_string(roles, ',') as roles,
        cmd, qual, with_check
      from pg_policies where schemaname = 'public' and tablename = any(${labScoped}::text[])
      order by tablename, policyname`.execute(db.kysely);
    expect(rows).toEqual(
      labScoped.map((table) => ({
        table,
        name: 'lab_scope',
        permissive: 'PERMISSIVE',
        roles: 'public',
        cmd: 'ALL',
        qual: scopeExpression,
        with_check: scopeExpression,
      })),
    );
  });

  it('runs as lab_app, which neither bypasses row-level security nor owns a scoped table', async () => {
    const { rows } = await sql<{ role: string; superuser: boolean; bypass: boolean; owns: number }>`
      select current_user as role, r.rolsuper as superuser, r.rolbypassrls as bypass,
        (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relname = any(${labScoped}::text[]) and c.relowner = r.oid) as owns
      from pg_roles r where r.rolname = current_user`.execute(db.kysely);
    expect(rows).toEqual([{ role: 'lab_app', superuser: false, bypass: false, owns: 0 }]);
  });
});

describe.each(labScoped)('row-level security on %s, as the runtime role', (table) => {
  it("shows lab A's row only to sessions scoped to lab A, and lab B's only to lab B", async () => {
    const a = keyOf(rowsA, table);
    const b = keyOf(rowsB, table);
    expect({
      aFromA: await seenFrom([labA], table, a),
      aFromB: await seenFrom([labB], table, a),
      aFromBoth: await seenFrom([labA, labB], table, a),
      aFromNoLab: await seenFrom([], table, a),
      aWithoutScope: await countRow(db.kysely, table, a),
      bFromB: await seenFrom([labB], table, b),
      bFromA: await seenFrom([labA], table, b),
    }).toEqual({ aFromA: 1, aFromB: 0, aFromBoth: 1, aFromNoLab: 0, aWithoutScope: 0, bFromB: 1, bFromA: 0 });
  });

  it('refuses a session scoped to lab B an insert of a row for lab A', async () => {
    await expect(
      inLabs(db, [labB], (tx) => labOwnedTables[table].insert(tx, { lab: labA, rows: rowsA, actor })),
    ).rejects.toThrow(rlsViolation(table));
    expect(await inLabs(db, [labA], (tx) => countRow(tx, table, keyOf(rowsA, table)))).toBe(1);
  });

  if (appendOnly.includes(table)) {
    it('refuses any update by the runtime role, in its own lab or another', async () => {
      await expect(moveRow([labA], table, keyOf(rowsA, table))).rejects.toThrow(
        `permission denied for table ${table}`,
      );
      await expect(moveRow([labB], table, keyOf(rowsB, table), labA)).rejects.toThrow(
        `permission denied for table ${table}`,
      );
    });
  } else {
    it("lets a session scoped to lab B neither touch lab A's row nor move its own row into lab A", async () => {
      // The same statement reaches the row from its own lab: the scope, not the key, hides it.
      expect(await moveRow([labA], table, keyOf(rowsA, table))).toBe(1);
      expect(await moveRow([labB], table, keyOf(rowsA, table))).toBe(0);
      await expect(moveRow([labB], table, keyOf(rowsB, table), labA)).rejects.toThrow(rlsViolation(table));
      expect(await seenFrom([labB], table, keyOf(rowsB, table))).toBe(1);
    });
  }
});
