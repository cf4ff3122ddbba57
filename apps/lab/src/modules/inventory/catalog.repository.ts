import { type JsonObject, olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import {
  type AliasableExpression,
  type Expression,
  type ExpressionBuilder,
  expressionBuilder,
  type Selectable,
  sql,
} from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';
import { startsWith } from '../shared/business-id-prefix.ts';

/** A vendor; its contact details are a JSON object (CHECK jsonb_typeof(contact_info) = 'object'). */
export type VendorRow = Omit<Selectable<LabSchema['inventory_vendors']>, 'contact_info'> & {
  contact_info: JsonObject;
};
// What the CHECK above guarantees, told to the type checker (the generated type says any JSON value).

/** An item as the API shows it: the stored row and what of its stock is usable today. */
export type ItemRow = Selectable<LabSchema['inventory_items']> & { available_stock: number };

/**
 * What is usable of an item on `today`: active lots not past their expiry date. Computed at read
 * time, so a lot that expires overnight stops counting without any job having run.
 */
export function availableStock(today: string, itemId: Expression<string>): AliasableExpression<number> {
  const eb = expressionBuilder<LabSchema>();
  const usable = eb
    .selectFrom('inventory_lots')
    .select((lots) => lots.fn.sum<number>('quantity_remaining').as('sum'))
    .where('item_id', '=', itemId)
    .where('status', '=', 'active')
    .where((lots) => lots.or([lots('expiry_date', 'is', null), lots('expiry_date', '>=', today)]))
    .$asScalar();
  return eb.fn.coalesce(usable, sql.lit(0));
}

/** An item's usable stock as a column, for a select or a RETURNING clause on inventory_items. */
const withAvailable = (today: string) => (eb: ExpressionBuilder<LabSchema, 'inventory_items'>) =>
  availableStock(today, eb.ref('inventory_items.id')).as('available_stock');

export function insertVendor(
  tx: LabExecutor,
  vendor: {
    lab_id: string;
    code: string;
    name: string;
    contact_info: Record<string, unknown>;
    created_by: string;
  },
): Promise<VendorRow> {
  return tx
    .insertInto('inventory_vendors')
    .values({ ...vendor, contact_info: JSON.stringify(vendor.contact_info) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function vendorById(
  tx: LabExecutor,
  id: string,
  options: { lock?: boolean; labId?: string } = {},
): Promise<VendorRow | undefined> {
  let query = tx.selectFrom('inventory_vendors').selectAll().where('id', '=', id);
  if (options.labId) query = query.where('lab_id', '=', options.labId);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function updateVendor(
  tx: LabExecutor,
  id: string,
  changes: { name?: string; contact_info?: Record<string, unknown> },
): Promise<VendorRow> {
  const { name, contact_info: contactInfo } = changes;
  return tx
    .updateTable('inventory_vendors')
    .set({
      updated_at: sql<string>`now()`,
      ...(name !== undefined ? { name } : {}),
      ...(contactInfo !== undefined ? { contact_info: JSON.stringify(contactInfo) } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listVendors(
  tx: LabExecutor,
  filter: { q?: string | undefined; lab_id?: string | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<VendorRow[]> {
  let query = tx.selectFrom('inventory_vendors').selectAll();
  const { lab_id: labId, q } = filter;
  if (labId) query = query.where('lab_id', '=', labId);
  if (q) query = query.where((eb) => startsWith(eb.ref('code'), q));
  if (cursor) query = query.where((eb) => olderThan(eb.ref('created_at'), eb.ref('id'), cursor));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
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

export function insertItem(tx: LabExecutor, item: ItemInsert, today: string): Promise<ItemRow> {
  return tx
    .insertInto('inventory_items')
    .values(item)
    .returningAll()
    .returning(withAvailable(today))
    .executeTakeFirstOrThrow();
}

/** One item of the labs in scope; `lock` takes its row lock (always FIRST, before any of its lots). */
export function itemById(
  tx: LabExecutor,
  id: string,
  today: string,
  options: { lock?: boolean } = {},
): Promise<ItemRow | undefined> {
  const query = tx
    .selectFrom('inventory_items')
    .selectAll('inventory_items')
    .select(withAvailable(today))
    .where('inventory_items.id', '=', id);
  return (options.lock ? query.forUpdate('inventory_items') : query).executeTakeFirst();
}

export type ItemChanges = Partial<
  Pick<ItemRow, 'name' | 'category' | 'unit' | 'location' | 'reorder_point' | 'min_stock'>
>;

/** Applies the changed columns (never the stock: only movements move it). */
export function updateItem(
  tx: LabExecutor,
  id: string,
  changes: ItemChanges,
  today: string,
): Promise<ItemRow> {
  return tx
    .updateTable('inventory_items')
    .set({ ...changes, updated_at: sql<string>`now()` })
    .where('id', '=', id)
    .returningAll()
    .returning(withAvailable(today))
    .executeTakeFirstOrThrow();
}

/** A signed quantity as numeric, so the arithmetic stays exact (never float). */
export const numeric = (value: number) => sql<number>`${value}::numeric`;

/**
 * Moves an item's maintained stock by `delta` (signed) and answers the item after it (its usable
 * stock counts this transaction's earlier lot changes). The caller holds the item's row lock.
 */
export function moveItemStock(tx: LabExecutor, id: string, delta: number, today: string): Promise<ItemRow> {
  return tx
    .updateTable('inventory_items')
    .set((eb) => ({
      current_stock: eb('current_stock', '+', numeric(delta)),
      updated_at: sql<string>`now()`,
    }))
    .where('id', '=', id)
    .returningAll()
    .returning(withAvailable(today))
    .executeTakeFirstOrThrow();
}

export async function itemHasLots(tx: LabExecutor, id: string): Promise<boolean> {
  const row = await tx
    .selectFrom('inventory_lots')
    .select(sql.lit(1).as('one'))
    .where('item_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface ItemFilter {
  category?: string | undefined;
  q?: string | undefined;
  low_stock?: boolean | undefined;
  lab_id?: string | undefined;
}

export function listItems(
  tx: LabExecutor,
  filter: ItemFilter,
  today: string,
  cursor: Cursor | undefined,
  limit: number,
): Promise<ItemRow[]> {
  let query = tx.selectFrom('inventory_items').selectAll('inventory_items').select(withAvailable(today));
  const { lab_id: labId, category, q } = filter;
  if (labId) query = query.where('inventory_items.lab_id', '=', labId);
  if (category) query = query.where('inventory_items.category', '=', category);
  if (q) query = query.where((eb) => startsWith(eb.ref('inventory_items.code'), q));
  if (filter.low_stock) {
    query = query.where((eb) =>
      eb(availableStock(today, eb.ref('inventory_items.id')), '<=', eb.ref('inventory_items.reorder_point')),
    );
  }
  if (cursor) {
    query = query.where((eb) =>
      olderThan(eb.ref('inventory_items.created_at'), eb.ref('inventory_items.id'), cursor),
    );
  }
  return query
    .orderBy('inventory_items.created_at', 'desc')
    .orderBy('inventory_items.id', 'desc')
    .limit(limit)
    .execute();
}
