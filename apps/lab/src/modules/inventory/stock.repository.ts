import { type Executor, olderThan, queryRows } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type SQL, sql } from 'drizzle-orm';
import type { LotStatus } from './inventory.schema.ts';

export interface LotRow {
  id: string;
  lab_id: string;
  item_id: string;
  item_code: string;
  unit: string;
  vendor_id: string | null;
  lot_number: string;
  quantity_received: number;
  quantity_remaining: number;
  expiry_date: string | null;
  status: LotStatus;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface MovementRow {
  id: string;
  lab_id: string;
  item_id: string;
  lot_id: string;
  kind: 'receive' | 'consume';
  quantity: number;
  lot_balance_after: number;
  item_balance_after: number;
  reason: string | null;
  sample_id: string | null;
  run_ref: string | null;
  actor_id: string;
  occurred_at: string;
}

const lotColumns = sql`l.id, l.lab_id, l.item_id, i.code as item_code, i.unit, l.vendor_id, l.lot_number,
  l.quantity_received::float8 as quantity_received, l.quantity_remaining::float8 as quantity_remaining,
  l.expiry_date::text as expiry_date, l.status, l.created_by,
  to_json(l.created_at) #>> '{}' as created_at, to_json(l.updated_at) #>> '{}' as updated_at`;

const movementColumns = sql`m.id, m.lab_id, m.item_id, m.lot_id, m.kind, m.quantity::float8 as quantity,
  m.lot_balance_after::float8 as lot_balance_after, m.item_balance_after::float8 as item_balance_after,
  m.reason, m.sample_id, m.run_ref, m.actor_id, to_json(m.occurred_at) #>> '{}' as occurred_at`;

/** The item a lot belongs to, read without a lock: callers lock the item first, then the lot. */
export async function lotItemId(tx: Executor, lotId: string): Promise<string | undefined> {
  const [row] = await queryRows<{ item_id: string }>(
    tx,
    sql`select item_id from inventory_lots where id = ${lotId}`,
  );
  return row?.item_id;
}

/** One lot of the labs in scope; `lock` takes its row lock (only ever AFTER its item's). */
export async function lotById(
  tx: Executor,
  id: string,
  options: { lock?: boolean } = {},
): Promise<LotRow | undefined> {
  const [row] = await queryRows<LotRow>(
    tx,
    sql`select ${lotColumns} from inventory_lots l join inventory_items i on i.id = l.item_id where l.id = ${id}
        ${options.lock ? sql`for update of l` : sql``}`,
  );
  return row;
}

/** The item's lot with this number, locked (the caller holds the item's lock already). */
export async function lotByNumber(
  tx: Executor,
  itemId: string,
  lotNumber: string,
): Promise<LotRow | undefined> {
  const [row] = await queryRows<LotRow>(
    tx,
    sql`select ${lotColumns} from inventory_lots l join inventory_items i on i.id = l.item_id
        where l.item_id = ${itemId} and l.lot_number = ${lotNumber} for update of l`,
  );
  return row;
}

export async function insertLot(
  tx: Executor,
  lot: {
    lab_id: string;
    item_id: string;
    vendor_id: string | null;
    lot_number: string;
    quantity: number;
    expiry_date: string | null;
    created_by: string;
  },
): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    tx,
    sql`insert into inventory_lots (lab_id, item_id, vendor_id, lot_number, quantity_received, quantity_remaining,
          expiry_date, created_by)
        values (${lot.lab_id}, ${lot.item_id}, ${lot.vendor_id}, ${lot.lot_number}, ${lot.quantity}, ${lot.quantity},
          ${lot.expiry_date}::date, ${lot.created_by})
        returning id`,
  );
  if (!row) throw new Error('lot was not created');
  return row.id;
}

/**
 * Moves a lot's remaining quantity by `delta` (signed), in numeric arithmetic. A consumption that
 * would go below zero matches no row (undefined): the caller answers insufficient stock. Receipts
 * also raise the received total; the status follows the quantity unless the lot is on hold.
 */
export async function moveLotStock(tx: Executor, id: string, delta: number): Promise<number | undefined> {
  const [row] = await queryRows<{ quantity_remaining: number }>(
    tx,
    sql`update inventory_lots set
          quantity_remaining = quantity_remaining + ${delta}::numeric,
          quantity_received = quantity_received + greatest(${delta}::numeric, 0),
          status = case when status in ('quarantined', 'expired') then status
                        when quantity_remaining + ${delta}::numeric = 0 then 'depleted' else 'active' end,
          updated_at = now()
        where id = ${id} and quantity_remaining + ${delta}::numeric >= 0
        returning quantity_remaining::float8 as quantity_remaining`,
  );
  return row?.quantity_remaining;
}

export async function updateLot(
  tx: Executor,
  id: string,
  changes: { status?: LotStatus; expiry_date?: string | null; vendor_id?: string | null },
): Promise<void> {
  const sets: SQL[] = [sql`updated_at = now()`];
  if (changes.status !== undefined) sets.push(sql`status = ${changes.status}`);
  if (changes.expiry_date !== undefined) sets.push(sql`expiry_date = ${changes.expiry_date}::date`);
  if (changes.vendor_id !== undefined) sets.push(sql`vendor_id = ${changes.vendor_id}`);
  await tx.execute(sql`update inventory_lots set ${sql.join(sets, sql`, `)} where id = ${id}`);
}

export async function insertMovement(
  tx: Executor,
  movement: Omit<MovementRow, 'id' | 'occurred_at'>,
): Promise<MovementRow> {
  const [row] = await queryRows<MovementRow>(
    tx,
    sql`with m as (insert into inventory_movements (lab_id, item_id, lot_id, kind, quantity, lot_balance_after,
            item_balance_after, reason, sample_id, run_ref, actor_id)
          values (${movement.lab_id}, ${movement.item_id}, ${movement.lot_id}, ${movement.kind}, ${movement.quantity},
            ${movement.lot_balance_after}, ${movement.item_balance_after}, ${movement.reason}, ${movement.sample_id},
            ${movement.run_ref}, ${movement.actor_id})
          returning *)
        select ${movementColumns} from m`,
  );
  if (!row) throw new Error('movement was not recorded');
  return row;
}

export interface LotFilter {
  item_id?: string | undefined;
  vendor_id?: string | undefined;
  status?: LotStatus | undefined;
  lot_number?: string | undefined;
  lab_id?: string | undefined;
}

export function listLots(
  tx: Executor,
  filter: LotFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<LotRow[]> {
  const conditions: SQL[] = [sql`true`];
  if (filter.lab_id) conditions.push(sql`l.lab_id = ${filter.lab_id}`);
  if (filter.item_id) conditions.push(sql`l.item_id = ${filter.item_id}`);
  if (filter.vendor_id) conditions.push(sql`l.vendor_id = ${filter.vendor_id}`);
  if (filter.status) conditions.push(sql`l.status = ${filter.status}`);
  if (filter.lot_number) conditions.push(sql`l.lot_number = ${filter.lot_number}`);
  return queryRows<LotRow>(
    tx,
    sql`select ${lotColumns} from inventory_lots l join inventory_items i on i.id = l.item_id
        where ${sql.join(conditions, sql` and `)}
        ${cursor ? sql`and (l.created_at, l.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : sql``}
        order by l.created_at desc, l.id desc limit ${limit}`,
  );
}

export interface MovementFilter {
  item_id?: string | undefined;
  lot_id?: string | undefined;
  sample_id?: string | undefined;
  kind?: 'receive' | 'consume' | undefined;
  lab_id?: string | undefined;
}

export function listMovements(
  tx: Executor,
  filter: MovementFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<MovementRow[]> {
  const conditions: SQL[] = [sql`true`];
  if (filter.lab_id) conditions.push(sql`m.lab_id = ${filter.lab_id}`);
  if (filter.item_id) conditions.push(sql`m.item_id = ${filter.item_id}`);
  if (filter.lot_id) conditions.push(sql`m.lot_id = ${filter.lot_id}`);
  if (filter.sample_id) conditions.push(sql`m.sample_id = ${filter.sample_id}`);
  if (filter.kind) conditions.push(sql`m.kind = ${filter.kind}`);
  return queryRows<MovementRow>(
    tx,
    sql`select ${movementColumns} from inventory_movements m where ${sql.join(conditions, sql` and `)}
        ${olderThan(cursor, sql`m.occurred_at`)}
        order by m.occurred_at desc, m.id desc limit ${limit}`,
  );
}

/**
 * Whether a live (not deleted) sample exists in this lab: consumptions may name the sample they were
 * used for. Share-locked, so a soft delete (which locks the row for update) cannot commit in between.
 */
export async function sampleInLab(tx: Executor, labId: string, sampleId: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(
    tx,
    sql`select 1 as one from samples where lab_id = ${labId} and id = ${sampleId} and deleted_at is null for share`,
  );
  return rows.length > 0;
}
