import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { LabExecutor } from '../../src/db/lab-database.ts';
import type { AuditInput } from '../../src/modules/audit/audit.repository.ts';
import { testAudit } from './audit-trail.ts';

/** The row made so far in each table for one lab (its key), plus `child_sample` for lineage. */
export type LabRows = Record<string, string>;

/** Who writes the rows and where: `lab` is the row's lab_id, `rows` the parents it may reference. */
export interface RowScope {
  lab: string;
  rows: LabRows;
  actor: string;
}

/** A row just inserted: its key, and the record whose audit entry covers it (null: not regulated). */
export interface InsertedRow {
  key: string;
  covers: { entity_type: string; entity_id: string } | null;
}

export interface LabOwnedTable {
  /** The column that identifies the row (`id`, or `child_id` for a lineage link). */
  keyColumn: string;
  /** Inserts one row with `lab_id = scope.lab` and a fresh key, referencing `scope.rows`. */
  insert(tx: LabExecutor, scope: RowScope): Promise<InsertedRow>;
}

const code = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const covered = (entity_type: string, entity_id: string) => ({ entity_type, entity_id });
const parent = (rows: LabRows, table: string) => {
  const key = rows[table];
  if (key === undefined) throw new Error(`no ${table} row to reference yet`);
  return key;
};

const factories = {
  nodes: {
    keyColumn: 'id',
    insert: async (tx, { lab }) => {
      const id = randomUUID();
      await sql`insert into nodes (id, lab_id, hostname) values (${id}, ${lab}, ${code('pc')})`.execute(tx);
      return { key: id, covers: covered('node', id) };
    },
  },
  device_hubs: {
    keyColumn: 'id',
    insert: async (tx, { lab, rows }) => {
      const id = randomUUID();
      await sql`insert into device_hubs (id, lab_id, node_id, name)
        values (${id}, ${lab}, ${parent(rows, 'nodes')}, ${code('hub')})`.execute(tx);
      return { key: id, covers: covered('device_hub', id) };
    },
  },
  projects: {
    keyColumn: 'id',
    insert: async (tx, { lab, actor }) => {
      const id = randomUUID();
      await sql`insert into projects (id, lab_id, code, name, created_by)
        values (${id}, ${lab}, ${code('P')}, 'Scope study', ${actor})`.execute(tx);
      return { key: id, covers: covered('project', id) };
    },
  },
  batches: {
    keyColumn: 'id',
    insert: async (tx, { lab, rows, actor }) => {
      const id = randomUUID();
      await sql`insert into batches (id, lab_id, code, project_id, created_by)
        values (${id}, ${lab}, ${code('B')}, ${parent(rows, 'projects')}, ${actor})`.execute(tx);
      return { key: id, covers: covered('batch', id) };
    },
  },
  containers: {
    keyColumn: 'id',
    insert: async (tx, { lab, actor }) => {
      const id = randomUUID();
      await sql`insert into containers (id, lab_id, code, container_type, created_by)
        values (${id}, ${lab}, ${code('C')}, 'rack', ${actor})`.execute(tx);
      return { key: id, covers: covered('container', id) };
    },
  },
  samples: {
    keyColumn: 'id',
    insert: async (tx, { lab, rows, actor }) => {
      const id = randomUUID();
      await sql`insert into samples
          (id, lab_id, sample_id, sample_type, quantity, unit, container_id, project_id, batch_id, created_by)
        values (${id}, ${lab}, ${code('S')}, 'plasma', 5, 'mL', ${parent(rows, 'containers')},
          ${parent(rows, 'projects')}, ${parent(rows, 'batches')}, ${actor})`.execute(tx);
      return { key: id, covers: covered('sample', id) };
    },
  },
  sample_lineage: {
    keyColumn: 'child_id',
    insert: async (tx, { lab, rows, actor }) => {
      const child = parent(rows, 'child_sample');
      await sql`insert into sample_lineage (lab_id, parent_id, child_id, relation, created_by)
        values (${lab}, ${parent(rows, 'samples')}, ${child}, 'aliquot', ${actor})`.execute(tx);
      return { key: child, covers: covered('sample', child) };
    },
  },
  inventory_vendors: {
    keyColumn: 'id',
    insert: async (tx, { lab, actor }) => {
      const id = randomUUID();
      await sql`insert into inventory_vendors (id, lab_id, code, name, created_by)
        values (${id}, ${lab}, ${code('V')}, 'Acme', ${actor})`.execute(tx);
      return { key: id, covers: covered('inventory_vendor', id) };
    },
  },
  inventory_items: {
    keyColumn: 'id',
    insert: async (tx, { lab, actor }) => {
      const id = randomUUID();
      await sql`insert into inventory_items (id, lab_id, code, name, category, unit, created_by)
        values (${id}, ${lab}, ${code('I')}, 'Ethanol', 'solvent', 'L', ${actor})`.execute(tx);
      return { key: id, covers: covered('inventory_item', id) };
    },
  },
  inventory_lots: {
    keyColumn: 'id',
    insert: async (tx, { lab, rows, actor }) => {
      const id = randomUUID();
      await sql`insert into inventory_lots
          (id, lab_id, item_id, vendor_id, lot_number, quantity_received, quantity_remaining, created_by)
        values (${id}, ${lab}, ${parent(rows, 'inventory_items')}, ${parent(rows, 'inventory_vendors')},
          ${code('L')}, 10, 10, ${actor})`.execute(tx);
      return { key: id, covers: covered('inventory_lot', id) };
    },
  },
  inventory_movements: {
    keyColumn: 'id',
    insert: async (tx, { lab, rows, actor }) => {
      const id = randomUUID();
      const lot = parent(rows, 'inventory_lots');
      await sql`insert into inventory_movements
          (id, lab_id, item_id, lot_id, kind, quantity, lot_balance_after, item_balance_after, actor_id)
        values (${id}, ${lab}, ${parent(rows, 'inventory_items')}, ${lot}, 'receive', 10, 10, 10, ${actor})`.execute(
        tx,
      );
      return { key: id, covers: covered('inventory_lot', lot) };
    },
  },
  inventory_alerts: {
    keyColumn: 'id',
    insert: async (tx, { lab, rows }) => {
      const id = randomUUID();
      await sql`insert into inventory_alerts (id, lab_id, kind, item_id)
        values (${id}, ${lab}, 'low_stock', ${parent(rows, 'inventory_items')})`.execute(tx);
      return { key: id, covers: null };
    },
  },
  devices: {
    keyColumn: 'id',
    insert: async (tx, { lab, rows, actor }) => {
      const id = randomUUID();
      await sql`insert into devices (id, lab_id, device_id, name, device_type, hub_id, calibration_interval_days, created_by)
        values (${id}, ${lab}, ${code('D')}, 'Balance', 'balance', ${parent(rows, 'device_hubs')}, 30, ${actor})`.execute(
        tx,
      );
      return { key: id, covers: covered('device', id) };
    },
  },
  calibration_entries: {
    keyColumn: 'id',
    insert: async (tx, { lab, rows, actor }) => {
      const id = randomUUID();
      await sql`insert into calibration_entries (id, lab_id, device_id, performed_by, performed_at, result, next_due_computed)
        values (${id}, ${lab}, ${parent(rows, 'devices')}, ${actor}, now(), 'fail', false)`.execute(tx);
      return { key: id, covers: covered('calibration', id) };
    },
  },
  calibration_certificates: {
    keyColumn: 'id',
    insert: async (tx, { lab, rows, actor }) => {
      const id = randomUUID();
      const calibration = parent(rows, 'calibration_entries');
      await sql`insert into calibration_certificates
          (id, lab_id, calibration_id, version, storage_name, media_type, size_bytes, sha256, uploaded_by)
        values (${id}, ${lab}, ${calibration}, 1, ${`${randomUUID()}.pdf`}, 'application/pdf', 1,
          ${'0'.repeat(64)}, ${actor})`.execute(tx);
      return { key: id, covers: covered('calibration', calibration) };
    },
  },
  device_usage: {
    keyColumn: 'id',
    insert: async (tx, { lab, rows, actor }) => {
      const id = randomUUID();
      const device = parent(rows, 'devices');
      await sql`insert into device_usage (id, lab_id, device_id, used_by, used_at, purpose)
        values (${id}, ${lab}, ${device}, ${actor}, now(), 'scope test')`.execute(tx);
      return { key: id, covers: covered('device', device) };
    },
  },
  workflows: {
    keyColumn: 'id',
    insert: async (tx, { lab, actor }) => {
      const id = randomUUID();
      await sql`insert into workflows (id, lab_id, name, created_by)
        values (${id}, ${lab}, ${`wf-${randomUUID().slice(0, 8)}`}, ${actor})`.execute(tx);
      return { key: id, covers: covered('workflow', id) };
    },
  },
  workflow_versions: {
    keyColumn: 'id',
    insert: async (tx, { lab, rows, actor }) => {
      const id = randomUUID();
      await sql`insert into workflow_versions (id, lab_id, workflow_id, version, definition, definition_hash, author_id)
        values (${id}, ${lab}, ${parent(rows, 'workflows')}, 1, '{}'::jsonb, ${'0'.repeat(64)}, ${actor})`.execute(
        tx,
      );
      return { key: id, covers: covered('workflow_version', id) };
    },
  },
  config_snapshots: {
    keyColumn: 'id',
    insert: async (tx, { lab }) => {
      const id = randomUUID();
      await sql`insert into config_snapshots (id, lab_id, snapshot, snapshot_hash)
        values (${id}, ${lab}, '{}'::jsonb, ${'0'.repeat(64)})`.execute(tx);
      return { key: id, covers: covered('config_snapshot', id) };
    },
  },
  workflow_executions: {
    keyColumn: 'id',
    insert: async (tx, { lab, rows, actor }) => {
      const id = randomUUID();
      await sql`insert into workflow_executions (id, lab_id, workflow_version_id, config_snapshot_id, parameters, operator_id)
        values (${id}, ${lab}, ${parent(rows, 'workflow_versions')}, ${parent(rows, 'config_snapshots')}, '{}'::jsonb, ${actor})`.execute(
        tx,
      );
      return { key: id, covers: covered('run', id) };
    },
  },
  run_devices: {
    keyColumn: 'run_id',
    insert: async (tx, { lab, rows }) => {
      const run = parent(rows, 'workflow_executions');
      await sql`insert into run_devices (run_id, lab_id, role, device_id)
        values (${run}, ${lab}, 'daq', ${parent(rows, 'devices')})`.execute(tx);
      return { key: run, covers: covered('run', run) };
    },
  },
  workflow_sample_assignments: {
    keyColumn: 'run_id',
    insert: async (tx, { lab, rows }) => {
      const run = parent(rows, 'workflow_executions');
      await sql`insert into workflow_sample_assignments (run_id, lab_id, sample_id)
        values (${run}, ${lab}, ${parent(rows, 'samples')})`.execute(tx);
      return { key: run, covers: covered('run', run) };
    },
  },
  run_steps: {
    keyColumn: 'run_id',
    insert: async (tx, { lab, rows }) => {
      const run = parent(rows, 'workflow_executions');
      await sql`insert into run_steps (run_id, lab_id, seq, step_id, step_type, path, status, outputs, started_at, finished_at)
        values (${run}, ${lab}, 1, 'wait', 'wait', '/steps/0', 'completed', '{}'::jsonb, now(), now())`.execute(
        tx,
      );
      return { key: run, covers: null };
    },
  },
  run_data: {
    keyColumn: 'run_id',
    insert: async (tx, { lab, rows }) => {
      const run = parent(rows, 'workflow_executions');
      await sql`insert into run_data (run_id, lab_id, seq, step_seq, step_id, kind, captured_at, unit, points, vals)
        values (${run}, ${lab}, 1, 1, 'wait', 'readings', now(), 'V', 1, '\\x00000000'::bytea)`.execute(tx);
      return { key: run, covers: null };
    },
  },
  run_event_heads: {
    keyColumn: 'run_id',
    insert: async (tx, { lab, rows }) => {
      const run = parent(rows, 'workflow_executions');
      await sql`insert into run_event_heads (run_id, lab_id, last_seq) values (${run}, ${lab}, 1)`.execute(
        tx,
      );
      return { key: run, covers: null };
    },
  },
  run_events: {
    keyColumn: 'run_id',
    insert: async (tx, { lab, rows }) => {
      const run = parent(rows, 'workflow_executions');
      await sql`insert into run_events (run_id, lab_id, seq, type, payload)
        values (${run}, ${lab}, 1, 'state', '{"status":"created"}'::jsonb)`.execute(tx);
      return { key: run, covers: null };
    },
  },
} satisfies Record<string, LabOwnedTable>;

export type LabOwnedTableName = keyof typeof factories;

/** One way to write a row into each lab-owned table, in the order their references need. */
export const labOwnedTables: Record<LabOwnedTableName, LabOwnedTable> = factories;

/** The audit entry that lets a raw fixture write commit past the coverage trigger. */
export const fixtureEntry = (actor: string, entity_type: string, entity_id: string): AuditInput => ({
  actor_id: actor,
  actor_email: 'rls@lab.test',
  action: `${entity_type}.create`,
  entity_type,
  entity_id,
  before: null,
  after: null,
  reason: 'lab scope test fixture',
  request_id: null,
  client_ip: null,
});

/**
 * One row in every lab-owned table for `scope.lab`, written in the caller's transaction (which must be
 * scoped to that lab) with the audit entries the coverage trigger needs. Returns each table's key.
 */
export async function createLabRows(tx: LabExecutor, lab: string, actor: string): Promise<LabRows> {
  const scope: RowScope = { lab, rows: {}, actor };
  const entries: AuditInput[] = [];
  const record = ({ covers }: InsertedRow) => {
    if (covers) entries.push(fixtureEntry(actor, covers.entity_type, covers.entity_id));
  };
  for (const [table, definition] of Object.entries(labOwnedTables)) {
    if (table === 'sample_lineage') {
      // The link's other end: a second sample of the same lab.
      const child = await labOwnedTables.samples.insert(tx, scope);
      scope.rows.child_sample = child.key;
      record(child);
    }
    const row = await definition.insert(tx, scope);
    scope.rows[table] = row.key;
    record(row);
  }
  await testAudit.appendMany(tx, entries);
  return scope.rows;
}
