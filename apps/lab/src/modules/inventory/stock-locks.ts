import { NotFoundError } from '@ours/platform/errors';
import type { LabExecutor } from '../../db/lab-database.ts';
import { type ItemRow, itemById } from './catalog.repository.ts';
import { type LotRow, lotById, lotItemId } from './stock.repository.ts';

/**
 * Every stock change locks in ONE order: the item row first, then the lot row. Receipts and
 * consumptions of the same item therefore queue on the item and never lose each other's update,
 * and no two transactions can hold the pair in opposite orders (no deadlock).
 */
export async function lockItem(tx: LabExecutor, itemId: string, today: string): Promise<ItemRow> {
  const item = await itemById(tx, itemId, today, { lock: true });
  if (!item) throw new NotFoundError('item_not_found', 'There is no such item');
  return item;
}

export async function lockItemAndLot(
  tx: LabExecutor,
  lotId: string,
  today: string,
): Promise<{ item: ItemRow; lot: LotRow }> {
  // A lot never changes item, so reading its item id before any lock is safe.
  const itemId = await lotItemId(tx, lotId);
  if (!itemId) throw new NotFoundError('lot_not_found', 'There is no such lot');
  const item = await lockItem(tx, itemId, today);
  const lot = await lotById(tx, lotId, { lock: true });
  if (!lot) throw new NotFoundError('lot_not_found', 'There is no such lot');
  return { item, lot };
}
