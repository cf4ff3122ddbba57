import { ConflictError } from '@ours/platform/errors';
import type { AuditActor } from '../audit/index.ts';
import type { ItemRow } from './catalog.repository.ts';
import type { LotRow, MovementRow, StoredLot } from './stock.repository.ts';

/** What receipts and consumptions share: their answer, their refusals, and what they audit. */
export interface StockResult {
  created: boolean;
  lot: LotRow;
  item: ItemRow;
  movement: MovementRow;
}

const isPastExpiry = (lot: { expiry_date: string | null }, today: string) =>
  lot.expiry_date !== null && lot.expiry_date < today;

export function refuseExpired(lot: LotRow, today: string): void {
  if (lot.status === 'expired' || isPastExpiry(lot, today)) {
    throw new ConflictError('lot_expired', `Lot ${lot.lot_number} expired on ${lot.expiry_date}`, {
      lot_id: lot.id,
      expiry_date: lot.expiry_date,
    });
  }
}

export const stockView = (lot: LotRow, item: ItemRow) => ({
  lot_number: lot.lot_number,
  quantity_remaining: lot.quantity_remaining,
  status: lot.status,
  item_current_stock: item.current_stock,
});

/** A stored lot as the API shows it, with its item's code and unit. */
export const lotOf = (stored: StoredLot, item: ItemRow): LotRow => ({
  ...stored,
  item_code: item.code,
  unit: item.unit,
});

/**
 * The item's side of a movement, for its own trail: its maintained stock moved (the lot's entry,
 * appended with it, holds the details). The database refuses to commit the stock change without it.
 */
export function itemStockEntry(actor: AuditActor, before: ItemRow, after: ItemRow, movement: MovementRow) {
  return {
    ...actor,
    action: 'inventory.item_stock',
    entity_type: 'inventory_item',
    entity_id: before.id,
    before: { current_stock: before.current_stock },
    after: { current_stock: after.current_stock, lot_id: movement.lot_id, movement_id: movement.id },
    reason: movement.reason,
  };
}
