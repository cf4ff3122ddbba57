import { AppError, ConflictError, NotFoundError, ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { sampleIfAny } from '../samples/samples.service.ts';
import { isForeignKeyViolation } from '../shared/db-errors.ts';
import { labToday } from '../shared/lab-calendar.ts';
import { checkAmount, checkDay } from '../shared/quantities.ts';
import { inLabs, readInLabs } from '../sites/index.ts';
import { moveItemStock, vendorById } from './catalog.repository.ts';
import {
  insertLot,
  insertMovement,
  type LotRow,
  lotById,
  lotByNumber,
  moveLotStock,
} from './stock.repository.ts';
import { lockItem, lockItemAndLot } from './stock-locks.ts';
import { itemStockEntry, lotOf, refuseExpired, type StockResult, stockView } from './stock-views.ts';

/** numeric(20,6) holds 14 integer digits: a receipt past that is refused, not a 500. */
function explainOverflow(error: unknown): never {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ('code' in current && current.code === '22003') {
      throw new ConflictError('quantity_too_large', 'That would take the stock past what can be recorded');
    }
  }
  throw error;
}

export interface ReceiveInput {
  item_id: string;
  lot_number: string;
  quantity: number;
  expiry_date?: string | undefined;
  vendor_id?: string | undefined;
  reason?: string | undefined;
}

/** Refuses a receipt into an existing lot that is expired or names another expiry date or vendor. */
function checkReceiptInto(lot: LotRow, input: ReceiveInput, today: string): void {
  refuseExpired(lot, today);
  if (input.expiry_date !== undefined && input.expiry_date !== lot.expiry_date) {
    throw new ConflictError('lot_expiry_mismatch', `Lot ${lot.lot_number} expires on ${lot.expiry_date}`, {
      expiry_date: lot.expiry_date,
    });
  }
  if (input.vendor_id !== undefined && input.vendor_id !== lot.vendor_id) {
    throw new ConflictError('lot_vendor_mismatch', `Lot ${lot.lot_number} came from another vendor`, {
      vendor_id: lot.vendor_id,
    });
  }
}

/**
 * Receives stock: creates the item's lot with this number, or adds to it. The item's lock (taken
 * first) also serialises the creation of its lots, so two receipts of a new lot number add up.
 */
export function receiveStock(
  ctx: LabContext,
  caller: Principal,
  input: ReceiveInput,
  actor: AuditActor,
): Promise<StockResult> {
  checkAmount(input.quantity);
  if (input.expiry_date !== undefined) checkDay(input.expiry_date, 'expiry_date');
  const today = labToday(ctx.now());
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const item = await lockItem(tx, input.item_id, today);
    if (input.vendor_id && !(await vendorById(tx, input.vendor_id, { labId: item.lab_id }))) {
      throw new NotFoundError('vendor_not_found', "There is no such vendor in the item's lab");
    }
    const before = await lotByNumber(tx, item.id, input.lot_number);
    if (before) checkReceiptInto(before, input, today);
    else if (input.expiry_date !== undefined && input.expiry_date < today) {
      throw new ValidationError(
        'lot_already_expired',
        `The expiry date ${input.expiry_date} is before today`,
      );
    }
    // A new lot is created holding the received amount; the ledger row below records that receipt.
    const stored = before
      ? await moveLotStock(tx, before.id, input.quantity)
      : await insertLot(tx, {
          lab_id: item.lab_id,
          item_id: item.id,
          vendor_id: input.vendor_id ?? null,
          lot_number: input.lot_number,
          quantity: input.quantity,
          expiry_date: input.expiry_date ?? null,
          created_by: caller.id,
        });
    if (!stored) throw new Error('a receipt left a lot below zero');
    const itemAfter = await moveItemStock(tx, item.id, input.quantity, today);
    const movement = await insertMovement(tx, {
      lab_id: item.lab_id,
      item_id: item.id,
      lot_id: stored.id,
      kind: 'receive',
      quantity: input.quantity,
      lot_balance_after: stored.quantity_remaining,
      item_balance_after: itemAfter.current_stock,
      reason: input.reason ?? null,
      actor_id: caller.id,
    });
    const result = { created: !before, lot: lotOf(stored, itemAfter), item: itemAfter, movement };
    await ctx.audit.appendMany(tx, [
      {
        ...actor,
        action: 'inventory.receive',
        entity_type: 'inventory_lot',
        entity_id: stored.id,
        before: before ? stockView(before, item) : null,
        after: {
          ...stockView(result.lot, itemAfter),
          item_id: item.id,
          expiry_date: stored.expiry_date,
          vendor_id: stored.vendor_id,
          quantity: input.quantity,
          movement_id: movement.id,
        },
        reason: input.reason ?? null,
      },
      itemStockEntry(actor, item, itemAfter, movement),
    ]);
    return result;
  }).catch(explainOverflow);
}

/** Adds to an existing lot by its id (the same rules as a receipt by lot number). */
export async function receiveIntoLot(
  ctx: LabContext,
  caller: Principal,
  lotId: string,
  input: { quantity: number; reason?: string | undefined },
  actor: AuditActor,
): Promise<StockResult> {
  const lot = await lotById(readInLabs(ctx.db, caller.lab_ids), lotId);
  if (!lot) throw new NotFoundError('lot_not_found', 'There is no such lot');
  return receiveStock(ctx, caller, { item_id: lot.item_id, lot_number: lot.lot_number, ...input }, actor);
}

export interface ConsumeInput {
  quantity: number;
  reason?: string | undefined;
  /** The sample it was used for: its uuid or business id. */
  sample_id?: string | undefined;
  run_ref?: string | undefined;
}

/**
 * The uuid of the live sample `key` names (uuid or business id, resolved in the caller's labs: 409
 * `ambiguous_sample` when a business id is in several) when it belongs to the lot's lab; 404
 * otherwise. Row-locked, so a soft delete cannot commit between this check and the ledger row.
 */
async function sampleOfLotLab(tx: LabExecutor, key: string, labId: string): Promise<string> {
  const sample = await sampleIfAny(tx, key, { lock: true });
  if (!sample || sample.lab_id !== labId || sample.deleted_at) {
    throw new NotFoundError('sample_not_found', "There is no such sample in the lot's lab");
  }
  return sample.id;
}

/**
 * Consumes from one lot: refused when the lot is quarantined or past its expiry date, or when it
 * would go below zero (409 `insufficient_stock` with what is available and what was asked).
 */
export function consumeStock(
  ctx: LabContext,
  caller: Principal,
  lotId: string,
  input: ConsumeInput,
  actor: AuditActor,
): Promise<StockResult> {
  checkAmount(input.quantity);
  const today = labToday(ctx.now());
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const { item, lot } = await lockItemAndLot(tx, lotId, today);
    if (lot.status === 'quarantined') {
      throw new ConflictError('lot_quarantined', `Lot ${lot.lot_number} is quarantined`, { lot_id: lot.id });
    }
    refuseExpired(lot, today);
    const sampleId =
      input.sample_id === undefined ? null : await sampleOfLotLab(tx, input.sample_id, lot.lab_id);
    const stored = await moveLotStock(tx, lot.id, -input.quantity);
    if (!stored) {
      throw new AppError(
        409,
        'insufficient_stock',
        `Lot ${lot.lot_number} has ${lot.quantity_remaining} ${lot.unit} left`,
        {
          details: { available: lot.quantity_remaining, requested: input.quantity, unit: lot.unit },
        },
      );
    }
    const itemAfter = await moveItemStock(tx, item.id, -input.quantity, today);
    const movement = await insertMovement(tx, {
      lab_id: lot.lab_id,
      item_id: item.id,
      lot_id: lot.id,
      kind: 'consume',
      quantity: -input.quantity,
      lot_balance_after: stored.quantity_remaining,
      item_balance_after: itemAfter.current_stock,
      reason: input.reason ?? null,
      sample_id: sampleId,
      run_ref: input.run_ref ?? null,
      actor_id: caller.id,
    }).catch((error: unknown) => {
      if (isForeignKeyViolation(error))
        throw new NotFoundError('sample_not_found', "There is no such sample in the lot's lab");
      throw error;
    });
    const result = { created: false, lot: lotOf(stored, itemAfter), item: itemAfter, movement };
    await ctx.audit.appendMany(tx, [
      {
        ...actor,
        action: 'inventory.consume',
        entity_type: 'inventory_lot',
        entity_id: lot.id,
        before: stockView(lot, item),
        after: {
          ...stockView(result.lot, itemAfter),
          quantity: -input.quantity,
          sample_id: movement.sample_id,
          run_ref: movement.run_ref,
          movement_id: movement.id,
        },
        reason: input.reason ?? null,
      },
      itemStockEntry(actor, item, itemAfter, movement),
    ]);
    return result;
  });
}
