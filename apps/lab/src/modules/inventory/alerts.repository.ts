import { type JsonObject, type JsonValue, olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { sql } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';
import { stockedItems } from './alert-reports.repository.ts';

/** low_stock, expiring or expired (the table's CHECK). */
export type AlertKind = LabSchema['inventory_alerts']['kind'];

/**
 * Marks the lab's active lots past their expiry date `expired`. Locks follow the stock order: the
 * lots' items first (in id order), then the lots.
 */
export async function expireLots(
  tx: LabExecutor,
  labId: string,
  today: string,
): Promise<{ id: string; lot_number: string; expiry_date: string | null }[]> {
  const due = await tx
    .selectFrom('inventory_lots')
    .select(['id', 'item_id'])
    .where('lab_id', '=', labId)
    .where('status', '=', 'active')
    .where('quantity_remaining', '>', 0)
    .where('expiry_date', '<', today)
    .execute();
  if (due.length === 0) return [];
  const itemIds = [...new Set(due.map((lot) => lot.item_id))];
  const lotIds = due.map((lot) => lot.id);
  await tx
    .selectFrom('inventory_items')
    .select('id')
    .where((eb) => eb('id', '=', eb.fn.any(eb.val(itemIds))))
    .orderBy('id')
    .forUpdate()
    .execute();
  await tx
    .selectFrom('inventory_lots')
    .select('id')
    .where((eb) => eb('id', '=', eb.fn.any(eb.val(lotIds))))
    .orderBy('id')
    .forUpdate()
    .execute();
  return tx
    .updateTable('inventory_lots')
    .set({ status: 'expired', updated_at: sql<string>`now()` })
    .where((eb) => eb('id', '=', eb.fn.any(eb.val(lotIds))))
    .where('status', '=', 'active')
    .where('quantity_remaining', '>', 0)
    .where('expiry_date', '<', today)
    .returning(['id', 'lot_number', 'expiry_date'])
    .execute();
}

/** The lab's alert conditions now: (lab, kind, item, lot, details) rows. */
function currentConditions(tx: LabExecutor, labId: string, today: string, until: string) {
  const lowStock = tx
    .selectFrom(stockedItems(tx, today))
    .select((eb) => [
      'i.lab_id',
      eb.val<AlertKind>('low_stock').as('kind'),
      'i.id as item_id',
      sql<string | null>`null::uuid`.as('lot_id'),
      eb
        .fn<JsonValue>('jsonb_build_object', [
          sql.lit('available_stock'),
          eb.ref('i.available'),
          sql.lit('reorder_point'),
          eb.ref('i.reorder_point'),
          sql.lit('min_stock'),
          eb.ref('i.min_stock'),
        ])
        .as('details'),
    ])
    .where('i.lab_id', '=', labId)
    .whereRef('i.available', '<=', 'i.reorder_point');
  const lots = tx
    .selectFrom('inventory_lots as l')
    .select((eb) => [
      'l.lab_id',
      eb
        .case()
        .when('l.expiry_date', '<', today)
        .then(eb.val<AlertKind>('expired'))
        .else(eb.val<AlertKind>('expiring'))
        .end()
        .as('kind'),
      'l.item_id',
      'l.id as lot_id',
      eb
        .fn<JsonValue>('jsonb_build_object', [
          sql.lit('expiry_date'),
          eb.ref('l.expiry_date'),
          sql.lit('quantity_remaining'),
          eb.ref('l.quantity_remaining'),
        ])
        .as('details'),
    ])
    .where('l.lab_id', '=', labId)
    .where('l.quantity_remaining', '>', 0)
    .where('l.expiry_date', '<=', until)
    .where((eb) => eb.or([eb('l.expiry_date', '<', today), eb('l.status', 'in', ['active', 'quarantined'])]));
  return lowStock.unionAll(lots).as('c');
}

/**
 * Records the lab's new alert conditions (one open alert per condition: the partial unique index
 * makes a second run a no-op) and resolves open alerts whose condition has cleared.
 */
export async function syncAlerts(
  tx: LabExecutor,
  labId: string,
  today: string,
  until: string,
): Promise<{ opened: number; resolved: number }> {
  const opened = await tx
    .insertInto('inventory_alerts')
    .columns(['lab_id', 'kind', 'item_id', 'lot_id', 'details'])
    .expression(
      tx
        .selectFrom(currentConditions(tx, labId, today, until))
        .select(['c.lab_id', 'c.kind', 'c.item_id', 'c.lot_id', 'c.details']),
    )
    .onConflict((conflict) =>
      conflict.columns(['kind', 'subject_id']).where('resolved_at', 'is', null).doNothing(),
    )
    .returning('id')
    .execute();
  const resolved = await tx
    .updateTable('inventory_alerts as a')
    .set((eb) => ({ resolved_at: eb.fn<string>('greatest', [sql`now()`, eb.ref('a.opened_at')]) }))
    .where('a.lab_id', '=', labId)
    .where('a.resolved_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom(currentConditions(tx, labId, today, until))
            .select(sql.lit(1).as('one'))
            .whereRef('c.kind', '=', 'a.kind')
            .where((c) => c(c.fn.coalesce('c.lot_id', 'c.item_id'), '=', c.ref('a.subject_id'))),
        ),
      ),
    )
    .returning('a.id')
    .execute();
  return { opened: opened.length, resolved: resolved.length };
}

export interface AlertRow {
  id: string;
  lab_id: string;
  kind: AlertKind;
  item_id: string;
  item_code: string;
  lot_id: string | null;
  lot_number: string | null;
  details: JsonObject;
  opened_at: string;
}

/** Open recorded alerts of the labs in scope, newest first. */
export function listOpenAlerts(
  tx: LabExecutor,
  filter: { kind?: AlertKind | undefined; lab_id?: string | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<AlertRow[]> {
  let query = tx
    .selectFrom('inventory_alerts as a')
    .innerJoin('inventory_items as i', 'i.id', 'a.item_id')
    .leftJoin('inventory_lots as l', 'l.id', 'a.lot_id')
    .select([
      'a.id',
      'a.lab_id',
      'a.kind',
      'a.item_id',
      'i.code as item_code',
      'a.lot_id',
      'l.lot_number',
      'a.details',
      'a.opened_at',
    ])
    .where('a.resolved_at', 'is', null);
  if (filter.kind) query = query.where('a.kind', '=', filter.kind);
  if (filter.lab_id) query = query.where('a.lab_id', '=', filter.lab_id);
  if (cursor) query = query.where((eb) => olderThan(eb.ref('a.opened_at'), eb.ref('a.id'), cursor));
  return query.orderBy('a.opened_at', 'desc').orderBy('a.id', 'desc').limit(limit).execute();
}
