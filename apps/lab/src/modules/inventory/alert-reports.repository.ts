import { type NotNull, sql } from 'kysely';
import type { LabExecutor } from '../../db/lab-database.ts';
import { availableStock } from './catalog.repository.ts';

// The live stock reports (read at request time; the daily job's recorded alerts are in alerts.repository.ts).

type Severity = 'critical' | 'warning';

export interface LowStockRow {
  item_id: string;
  lab_id: string;
  code: string;
  name: string;
  unit: string;
  current_stock: number;
  available_stock: number;
  reorder_point: number;
  min_stock: number;
  shortage: number;
  severity: Severity;
}

export interface LotAlertRow {
  lot_id: string;
  lab_id: string;
  item_id: string;
  item_code: string;
  lot_number: string;
  status: string;
  unit: string;
  quantity_remaining: number;
  expiry_date: string;
  days_until_expiry: number;
}

/**
 * Items with what of their stock is usable today (`available`), as a derived table the planner
 * flattens into the query around it: the usable stock is written once and filtered, shown and
 * sorted by name.
 */
export function stockedItems(tx: LabExecutor, today: string) {
  return tx
    .selectFrom('inventory_items')
    .select((eb) => [
      'id',
      'lab_id',
      'code',
      'name',
      'unit',
      'current_stock',
      'reorder_point',
      'min_stock',
      availableStock(today, eb.ref('inventory_items.id')).as('available'),
    ])
    .as('i');
}

/** Items whose usable stock is at or below the reorder point; critical at or below the minimum. */
export function lowStockItems(tx: LabExecutor, today: string, labId?: string): Promise<LowStockRow[]> {
  let query = tx
    .selectFrom(stockedItems(tx, today))
    .select((eb) => [
      'i.id as item_id',
      'i.lab_id',
      'i.code',
      'i.name',
      'i.unit',
      'i.current_stock',
      'i.available as available_stock',
      'i.reorder_point',
      'i.min_stock',
      eb('i.reorder_point', '-', eb.ref('i.available')).as('shortage'),
      eb
        .case()
        .when('i.available', '<=', eb.ref('i.min_stock'))
        .then(eb.val<Severity>('critical'))
        .else(eb.val<Severity>('warning'))
        .end()
        .as('severity'),
    ])
    .whereRef('i.available', '<=', 'i.reorder_point');
  if (labId) query = query.where('i.lab_id', '=', labId);
  return query
    .orderBy((eb) => eb('i.reorder_point', '-', eb.ref('i.available')), 'desc')
    .orderBy('i.code')
    .orderBy('i.id')
    .execute();
}

/** Lots with their item's code and unit, and days from `today` to their expiry date. */
function lotAlerts(tx: LabExecutor, today: string, labId: string | undefined) {
  const query = tx
    .selectFrom('inventory_lots as l')
    .innerJoin('inventory_items as i', 'i.id', 'l.item_id')
    .select((eb) => [
      'l.id as lot_id',
      'l.lab_id',
      'l.item_id',
      'i.code as item_code',
      'l.lot_number',
      'l.status',
      'i.unit',
      'l.quantity_remaining',
      'l.expiry_date',
      // date - date is a whole number of days; the builder has no date arithmetic.
      sql<number>`${eb.ref('l.expiry_date')} - ${today}::date`.as('days_until_expiry'),
    ])
    .where('l.quantity_remaining', '>', 0)
    // Every alert lot has an expiry date (each caller filters on it).
    .$narrowType<{ expiry_date: NotNull }>();
  return labId ? query.where('l.lab_id', '=', labId) : query;
}

/** Lots with stock left whose expiry date falls in [today, until] (both inclusive). */
export function expiringLots(
  tx: LabExecutor,
  today: string,
  until: string,
  labId?: string,
): Promise<LotAlertRow[]> {
  return lotAlerts(tx, today, labId)
    .where('l.status', 'in', ['active', 'quarantined'])
    .where('l.expiry_date', '>=', today)
    .where('l.expiry_date', '<=', until)
    .orderBy('l.expiry_date')
    .orderBy('i.code')
    .orderBy('l.lot_number')
    .execute();
}

/** Lots with stock left past their expiry date (whether or not the job has marked them yet). */
export function expiredLots(tx: LabExecutor, today: string, labId?: string): Promise<LotAlertRow[]> {
  return lotAlerts(tx, today, labId)
    .where('l.expiry_date', '<', today)
    .orderBy('l.expiry_date')
    .orderBy('i.code')
    .orderBy('l.lot_number')
    .execute();
}
