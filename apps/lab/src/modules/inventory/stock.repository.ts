import { olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type Insertable, type Selectable, sql } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';
import { numeric } from './catalog.repository.ts';

/** A lot as the API shows it: the stored row with its item's code and unit. */
export type LotRow = Selectable<LabSchema['inventory_lots']> & { item_code: string; unit: string };

/** active, quarantined, depleted or expired (the table's CHECK). */
export type LotStatus = LotRow['status'];

export type MovementRow = Selectable<LabSchema['inventory_movements']>;

/** The item a lot belongs to, read without a lock: callers lock the item first, then the lot. */
export async function lotItemId(tx: LabExecutor, lotId: string): Promise<string | undefined> {
  const row = await tx
    .selectFrom('inventory_lots')
    .select('item_id')
    .where('id', '=', lotId)
    .executeTakeFirst();
  return row?.item_id;
}

/** Lots with their item's code and unit. */
function lots(tx: LabExecutor) {
  return tx
    .selectFrom('inventory_lots as l')
    .innerJoin('inventory_items as i', 'i.id', 'l.item_id')
    .selectAll('l')
    .select(['i.code as item_code', 'i.unit']);
}

/** One lot of the labs in scope; `lock` takes its row lock (only ever AFTER its item's). */
export function lotById(
  tx: LabExecutor,
  id: string,
  options: { lock?: boolean } = {},
): Promise<LotRow | undefined> {
  const query = lots(tx).where('l.id', '=', id);
  return (options.lock ? query.forUpdate('l') : query).executeTakeFirst();
}

/** The item's lot with this number, locked (the caller holds the item's lock already). */
export function lotByNumber(tx: LabExecutor, itemId: string, lotNumber: string): Promise<LotRow | undefined> {
  return lots(tx)
    .where('l.item_id', '=', itemId)
    .where('l.lot_number', '=', lotNumber)
    .forUpdate('l')
    .executeTakeFirst();
}

export type StoredLot = Selectable<LabSchema['inventory_lots']>;

/** A new lot holding the received quantity; the stored row (the caller adds its item's code and unit). */
export function insertLot(
  tx: LabExecutor,
  lot: {
    lab_id: string;
    item_id: string;
    vendor_id: string | null;
    lot_number: string;
    quantity: number;
    expiry_date: string | null;
    created_by: string;
  },
): Promise<StoredLot> {
  const { quantity, ...rest } = lot;
  return tx
    .insertInto('inventory_lots')
    .values({ ...rest, quantity_received: quantity, quantity_remaining: quantity })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Moves a lot's remaining quantity by `delta` (signed), in numeric arithmetic, and answers the
 * stored row after it. A consumption that would go below zero matches no row (undefined): the caller
 * answers insufficient stock. Receipts also raise the received total; the status follows the
 * quantity unless the lot is on hold.
 */
export function moveLotStock(tx: LabExecutor, id: string, delta: number): Promise<StoredLot | undefined> {
  return tx
    .updateTable('inventory_lots')
    .set((eb) => ({
      quantity_remaining: eb('quantity_remaining', '+', numeric(delta)),
      quantity_received: eb(
        'quantity_received',
        '+',
        eb.fn<number>('greatest', [numeric(delta), sql.lit(0)]),
      ),
      status: eb
        .case()
        .when('status', 'in', ['quarantined', 'expired'])
        .then(eb.ref('status'))
        .when(eb('quantity_remaining', '+', numeric(delta)), '=', 0)
        .then(eb.val<LotStatus>('depleted'))
        .else(eb.val<LotStatus>('active'))
        .end(),
      updated_at: sql<string>`now()`,
    }))
    .where('id', '=', id)
    .where((eb) => eb(eb('quantity_remaining', '+', numeric(delta)), '>=', 0))
    .returningAll()
    .executeTakeFirst();
}

/** Applies a change of status, expiry date or vendor; answers the stored row after it. */
export function updateLot(
  tx: LabExecutor,
  id: string,
  changes: { status?: LotStatus; expiry_date?: string | null; vendor_id?: string | null },
): Promise<StoredLot> {
  return tx
    .updateTable('inventory_lots')
    .set({ ...changes, updated_at: sql<string>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function insertMovement(
  tx: LabExecutor,
  movement: Insertable<LabSchema['inventory_movements']>,
): Promise<MovementRow> {
  return tx.insertInto('inventory_movements').values(movement).returningAll().executeTakeFirstOrThrow();
}

export interface LotFilter {
  item_id?: string | undefined;
  vendor_id?: string | undefined;
  status?: LotStatus | undefined;
  lot_number?: string | undefined;
  lab_id?: string | undefined;
}

export function listLots(
  tx: LabExecutor,
  filter: LotFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<LotRow[]> {
  let query = lots(tx);
  if (filter.lab_id) query = query.where('l.lab_id', '=', filter.lab_id);
  if (filter.item_id) query = query.where('l.item_id', '=', filter.item_id);
  if (filter.vendor_id) query = query.where('l.vendor_id', '=', filter.vendor_id);
  if (filter.status) query = query.where('l.status', '=', filter.status);
  if (filter.lot_number) query = query.where('l.lot_number', '=', filter.lot_number);
  if (cursor) query = query.where((eb) => olderThan(eb.ref('l.created_at'), eb.ref('l.id'), cursor));
  return query.orderBy('l.created_at', 'desc').orderBy('l.id', 'desc').limit(limit).execute();
}

export interface MovementFilter {
  item_id?: string | undefined;
  lot_id?: string | undefined;
  /** The sample's uuid (the service resolves a business id first). */
  sample_id?: string | undefined;
  kind?: 'receive' | 'consume' | undefined;
  lab_id?: string | undefined;
}

export function listMovements(
  tx: LabExecutor,
  filter: MovementFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<MovementRow[]> {
  let query = tx.selectFrom('inventory_movements').selectAll();
  if (filter.lab_id) query = query.where('lab_id', '=', filter.lab_id);
  if (filter.item_id) query = query.where('item_id', '=', filter.item_id);
  if (filter.lot_id) query = query.where('lot_id', '=', filter.lot_id);
  if (filter.sample_id) query = query.where('sample_id', '=', filter.sample_id);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (cursor) query = query.where((eb) => olderThan(eb.ref('occurred_at'), eb.ref('id'), cursor));
  return query.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
