import { type Executor, queryRows, textArray } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type SQL, sql } from 'drizzle-orm';
import { availableStock } from './catalog.repository.ts';

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
  severity: 'critical' | 'warning';
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

const labFilter = (labId: string | undefined, column: SQL) => (labId ? sql`and ${column} = ${labId}` : sql``);

/** Items whose usable stock is at or below the reorder point; critical at or below the minimum. */
export function lowStockItems(tx: Executor, today: string, labId?: string): Promise<LowStockRow[]> {
  return queryRows<LowStockRow>(
    tx,
    sql`select i.id as item_id, i.lab_id, i.code, i.name, i.unit, i.current_stock::float8 as current_stock,
          s.available::float8 as available_stock, i.reorder_point::float8 as reorder_point,
          i.min_stock::float8 as min_stock, (i.reorder_point - s.available)::float8 as shortage,
          case when s.available <= i.min_stock then 'critical' else 'warning' end as severity
        from inventory_items i cross join lateral (select ${availableStock(today)} as available) s
        where s.available <= i.reorder_point ${labFilter(labId, sql`i.lab_id`)}
        order by i.reorder_point - s.available desc, i.code, i.id`,
  );
}

const lotAlertColumns = (today: string) => sql`l.id as lot_id, l.lab_id, l.item_id, i.code as item_code,
  l.lot_number, l.status, i.unit, l.quantity_remaining::float8 as quantity_remaining,
  l.expiry_date::text as expiry_date, (l.expiry_date - ${today}::date) as days_until_expiry`;

/** Lots with stock left whose expiry date falls in [today, until] (both inclusive). */
export function expiringLots(
  tx: Executor,
  today: string,
  until: string,
  labId?: string,
): Promise<LotAlertRow[]> {
  return queryRows<LotAlertRow>(
    tx,
    sql`select ${lotAlertColumns(today)} from inventory_lots l join inventory_items i on i.id = l.item_id
        where l.quantity_remaining > 0 and l.status in ('active', 'quarantined')
          and l.expiry_date between ${today}::date and ${until}::date ${labFilter(labId, sql`l.lab_id`)}
        order by l.expiry_date, i.code, l.lot_number`,
  );
}

/** Lots with stock left past their expiry date (whether or not the job has marked them yet). */
export function expiredLots(tx: Executor, today: string, labId?: string): Promise<LotAlertRow[]> {
  return queryRows<LotAlertRow>(
    tx,
    sql`select ${lotAlertColumns(today)} from inventory_lots l join inventory_items i on i.id = l.item_id
        where l.quantity_remaining > 0 and l.expiry_date < ${today}::date ${labFilter(labId, sql`l.lab_id`)}
        order by l.expiry_date, i.code, l.lot_number`,
  );
}

/**
 * Marks the lab's active lots past their expiry date `expired`. Locks follow the stock order: the
 * lots' items first (in id order), then the lots.
 */
export async function expireLots(
  tx: Executor,
  labId: string,
  today: string,
): Promise<{ id: string; lot_number: string; expiry_date: string }[]> {
  const due = await queryRows<{ id: string; item_id: string }>(
    tx,
    sql`select id, item_id from inventory_lots
        where lab_id = ${labId} and status = 'active' and quantity_remaining > 0 and expiry_date < ${today}::date`,
  );
  if (due.length === 0) return [];
  const itemIds = [...new Set(due.map((lot) => lot.item_id))];
  const lotIds = due.map((lot) => lot.id);
  await tx.execute(
    sql`select id from inventory_items where id = any(${textArray(itemIds)}::uuid[]) order by id for update`,
  );
  await tx.execute(
    sql`select id from inventory_lots where id = any(${textArray(lotIds)}::uuid[]) order by id for update`,
  );
  return queryRows(
    tx,
    sql`update inventory_lots set status = 'expired', updated_at = now()
        where id = any(${textArray(lotIds)}::uuid[]) and status = 'active' and quantity_remaining > 0
          and expiry_date < ${today}::date
        returning id, lot_number, expiry_date::text as expiry_date`,
  );
}

/** The lab's alert conditions now: (kind, item, lot, details) rows. */
function currentConditions(labId: string, today: string, until: string): SQL {
  return sql`
    select 'low_stock' as kind, i.id as item_id, null::uuid as lot_id,
      jsonb_build_object('available_stock', s.available::float8, 'reorder_point', i.reorder_point::float8,
        'min_stock', i.min_stock::float8) as details
    from inventory_items i cross join lateral (select ${availableStock(today)} as available) s
    where i.lab_id = ${labId} and s.available <= i.reorder_point
    union all
    select case when l.expiry_date < ${today}::date then 'expired' else 'expiring' end, l.item_id, l.id,
      jsonb_build_object('expiry_date', l.expiry_date::text, 'quantity_remaining', l.quantity_remaining::float8)
    from inventory_lots l
    where l.lab_id = ${labId} and l.quantity_remaining > 0 and l.expiry_date <= ${until}::date
      and (l.expiry_date < ${today}::date or l.status in ('active', 'quarantined'))`;
}

/**
 * Records the lab's new alert conditions (one open alert per condition: the partial unique index
 * makes a second run a no-op) and resolves open alerts whose condition has cleared.
 */
export async function syncAlerts(
  tx: Executor,
  labId: string,
  today: string,
  until: string,
): Promise<{ opened: number; resolved: number }> {
  const opened = await queryRows<{ id: string }>(
    tx,
    sql`insert into inventory_alerts (lab_id, kind, item_id, lot_id, details)
        select ${labId}, kind, item_id, lot_id, details from (${currentConditions(labId, today, until)}) c
        on conflict (kind, subject_id) where resolved_at is null do nothing
        returning id`,
  );
  const resolved = await queryRows<{ id: string }>(
    tx,
    sql`update inventory_alerts a set resolved_at = greatest(now(), a.opened_at)
        where a.lab_id = ${labId} and a.resolved_at is null
          and not exists (select 1 from (${currentConditions(labId, today, until)}) c
                          where c.kind = a.kind and coalesce(c.lot_id, c.item_id) = a.subject_id)
        returning a.id`,
  );
  return { opened: opened.length, resolved: resolved.length };
}

export interface AlertRow {
  id: string;
  lab_id: string;
  kind: 'low_stock' | 'expiring' | 'expired';
  item_id: string;
  item_code: string;
  lot_id: string | null;
  lot_number: string | null;
  details: Record<string, unknown>;
  opened_at: string;
}

/** Open recorded alerts of the labs in scope, newest first. */
export function listOpenAlerts(
  tx: Executor,
  filter: { kind?: string | undefined; lab_id?: string | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<AlertRow[]> {
  return queryRows<AlertRow>(
    tx,
    sql`select a.id, a.lab_id, a.kind, a.item_id, i.code as item_code, a.lot_id, l.lot_number, a.details,
          to_json(a.opened_at) #>> '{}' as opened_at
        from inventory_alerts a join inventory_items i on i.id = a.item_id
          left join inventory_lots l on l.id = a.lot_id
        where a.resolved_at is null ${filter.kind ? sql`and a.kind = ${filter.kind}` : sql``}
          ${labFilter(filter.lab_id, sql`a.lab_id`)}
          ${cursor ? sql`and (a.opened_at, a.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : sql``}
        order by a.opened_at desc, a.id desc limit ${limit}`,
  );
}
