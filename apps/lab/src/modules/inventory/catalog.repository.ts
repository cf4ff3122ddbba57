import { type Executor, olderThan, queryRows } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type SQL, sql } from 'drizzle-orm';
import { startsWith } from '../shared/business-id-prefix.ts';

export interface VendorRow {
  id: string;
  lab_id: string;
  code: string;
  name: string;
  contact_info: Record<string, unknown>;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ItemRow {
  id: string;
  lab_id: string;
  code: string;
  name: string;
  category: string;
  unit: string;
  location: string;
  reorder_point: number;
  min_stock: number;
  current_stock: number;
  available_stock: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

const vendorColumns = sql`v.id, v.lab_id, v.code, v.name, v.contact_info, v.created_by,
  to_json(v.created_at) #>> '{}' as created_at, to_json(v.updated_at) #>> '{}' as updated_at`;

/**
 * What is usable of an item on `today`: active lots not past their expiry date. Computed at read
 * time, so a lot that expires overnight stops counting without any job having run.
 */
export const availableStock = (today: string) =>
  sql`coalesce((select sum(l.quantity_remaining) from inventory_lots l
        where l.item_id = i.id and l.status = 'active'
          and (l.expiry_date is null or l.expiry_date >= ${today}::date)), 0)`;

const itemColumns = (today: string) => sql`i.id, i.lab_id, i.code, i.name, i.category, i.unit, i.location,
  i.reorder_point::float8 as reorder_point, i.min_stock::float8 as min_stock,
  i.current_stock::float8 as current_stock, (${availableStock(today)})::float8 as available_stock,
  i.created_by, to_json(i.created_at) #>> '{}' as created_at, to_json(i.updated_at) #>> '{}' as updated_at`;

export async function insertVendor(
  tx: Executor,
  vendor: {
    lab_id: string;
    code: string;
    name: string;
    contact_info: Record<string, unknown>;
    created_by: string;
  },
): Promise<VendorRow> {
  const [row] = await queryRows<VendorRow>(
    tx,
    sql`with v as (insert into inventory_vendors (lab_id, code, name, contact_info, created_by)
          values (${vendor.lab_id}, ${vendor.code}, ${vendor.name}, ${JSON.stringify(vendor.contact_info)}::jsonb,
            ${vendor.created_by}) returning *)
        select ${vendorColumns} from v`,
  );
  if (!row) throw new Error('vendor was not created');
  return row;
}

export async function vendorById(
  tx: Executor,
  id: string,
  options: { lock?: boolean; labId?: string } = {},
): Promise<VendorRow | undefined> {
  const [row] = await queryRows<VendorRow>(
    tx,
    sql`select ${vendorColumns} from inventory_vendors v where v.id = ${id}
        ${options.labId ? sql`and v.lab_id = ${options.labId}` : sql``}
        ${options.lock ? sql`for update` : sql``}`,
  );
  return row;
}

export async function updateVendor(
  tx: Executor,
  id: string,
  changes: { name?: string; contact_info?: Record<string, unknown> },
): Promise<VendorRow> {
  const sets: SQL[] = [sql`updated_at = now()`];
  if (changes.name !== undefined) sets.push(sql`name = ${changes.name}`);
  if (changes.contact_info !== undefined)
    sets.push(sql`contact_info = ${JSON.stringify(changes.contact_info)}::jsonb`);
  const [row] = await queryRows<VendorRow>(
    tx,
    sql`with v as (update inventory_vendors set ${sql.join(sets, sql`, `)} where id = ${id} returning *)
        select ${vendorColumns} from v`,
  );
  if (!row) throw new Error('vendor vanished during update');
  return row;
}

export function listVendors(
  tx: Executor,
  filter: { q?: string | undefined; lab_id?: string | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<VendorRow[]> {
  const conditions: SQL[] = [sql`true`];
  if (filter.lab_id) conditions.push(sql`v.lab_id = ${filter.lab_id}`);
  if (filter.q) conditions.push(startsWith(sql`v.code`, filter.q));
  return queryRows<VendorRow>(
    tx,
    sql`select ${vendorColumns} from inventory_vendors v where ${sql.join(conditions, sql` and `)}
        ${olderThan(cursor, sql`v.created_at`)}
        order by v.created_at desc, v.id desc limit ${limit}`,
  );
}

export interface ItemInsert {
  lab_id: string;
  code: string;
  name: string;
  category: string;
  unit: string;
  location: string;
  reorder_point: number;
  min_stock: number;
  created_by: string;
}

export async function insertItem(tx: Executor, item: ItemInsert, today: string): Promise<ItemRow> {
  const [row] = await queryRows<ItemRow>(
    tx,
    sql`with i as (insert into inventory_items (lab_id, code, name, category, unit, location, reorder_point,
            min_stock, created_by)
          values (${item.lab_id}, ${item.code}, ${item.name}, ${item.category}, ${item.unit}, ${item.location},
            ${item.reorder_point}, ${item.min_stock}, ${item.created_by}) returning *)
        select ${itemColumns(today)} from i`,
  );
  if (!row) throw new Error('item was not created');
  return row;
}

/** One item of the labs in scope; `lock` takes its row lock (always FIRST, before any of its lots). */
export async function itemById(
  tx: Executor,
  id: string,
  today: string,
  options: { lock?: boolean } = {},
): Promise<ItemRow | undefined> {
  const [row] = await queryRows<ItemRow>(
    tx,
    sql`select ${itemColumns(today)} from inventory_items i where i.id = ${id}
        ${options.lock ? sql`for update of i` : sql``}`,
  );
  return row;
}

export type ItemChanges = Partial<
  Pick<ItemRow, 'name' | 'category' | 'unit' | 'location' | 'reorder_point' | 'min_stock'>
>;

/** Applies changed columns; `changes` keys are trusted column names from the service. */
export async function updateItem(
  tx: Executor,
  id: string,
  changes: ItemChanges,
  today: string,
): Promise<ItemRow> {
  const sets = Object.entries(changes).map(
    ([column, value]) => sql`${sql.identifier(column)} = ${value as string | number}`,
  );
  const [row] = await queryRows<ItemRow>(
    tx,
    sql`with i as (update inventory_items set ${sql.join([...sets, sql`updated_at = now()`], sql`, `)}
          where id = ${id} returning *)
        select ${itemColumns(today)} from i`,
  );
  if (!row) throw new Error('item vanished during update');
  return row;
}

/** Moves an item's maintained stock by `delta` (signed); the caller holds the item's row lock. */
export async function moveItemStock(tx: Executor, id: string, delta: number): Promise<number> {
  const [row] = await queryRows<{ current_stock: number }>(
    tx,
    sql`update inventory_items set current_stock = current_stock + ${delta}::numeric, updated_at = now()
        where id = ${id} returning current_stock::float8 as current_stock`,
  );
  if (!row) throw new Error('item vanished during a stock movement');
  return row.current_stock;
}

export async function itemHasLots(tx: Executor, id: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(
    tx,
    sql`select 1 as one from inventory_lots where item_id = ${id} limit 1`,
  );
  return rows.length > 0;
}

export interface ItemFilter {
  category?: string | undefined;
  q?: string | undefined;
  low_stock?: boolean | undefined;
  lab_id?: string | undefined;
}

export function listItems(
  tx: Executor,
  filter: ItemFilter,
  today: string,
  cursor: Cursor | undefined,
  limit: number,
): Promise<ItemRow[]> {
  const conditions: SQL[] = [sql`true`];
  if (filter.lab_id) conditions.push(sql`i.lab_id = ${filter.lab_id}`);
  if (filter.category) conditions.push(sql`i.category = ${filter.category}`);
  if (filter.q) conditions.push(startsWith(sql`i.code`, filter.q));
  if (filter.low_stock) conditions.push(sql`(${availableStock(today)}) <= i.reorder_point`);
  return queryRows<ItemRow>(
    tx,
    sql`select ${itemColumns(today)} from inventory_items i where ${sql.join(conditions, sql` and `)}
        ${olderThan(cursor, sql`i.created_at`)}
        order by i.created_at desc, i.id desc limit ${limit}`,
  );
}
