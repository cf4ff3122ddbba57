import type { Executor } from '@ours/platform/db';
import { AppError, ConflictError, NotFoundError, ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/principal.repository.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor } from '../audit/audit-actor.ts';
import { isForeignKeyViolation } from '../shared/db-errors.ts';
import { checkAmount, checkDay } from '../shared/quantities.ts';
import { inLabs } from '../sites/lab-scope.ts';
import { type ItemRow, itemById, moveItemStock, vendorById } from './catalog.repository.ts';
import { labToday } from './lab-calendar.ts';
import {
  insertLot,
  insertMovement,
  type LotRow,
  lotById,
  lotByNumber,
  type MovementRow,
  moveLotStock,
  sampleInLab,
} from './stock.repository.ts';
import { lockItem, lockItemAndLot } from './stock-locks.ts';

export interface StockResult {
  created: boolean;
  lot: LotRow;
  item: ItemRow;
  movement: MovementRow;
}

const isPastExpiry = (lot: { expiry_date: string | null }, today: string) =>
  lot.expiry_date !== null && lot.expiry_date < today;

function refuseExpired(lot: LotRow, today: string): void {
  if (lot.status === 'expired' || isPastExpiry(lot, today)) {
    throw new ConflictError('lot_expired', `Lot ${lot.lot_number} expired on ${lot.expiry_date}`, {
      lot_id: lot.id,
      expiry_date: lot.expiry_date,
    });
  }
}

const stockView = (lot: LotRow, item: ItemRow) => ({
  lot_number: lot.lot_number,
  quantity_remaining: lot.quantity_remaining,
  status: lot.status,
  item_current_stock: item.current_stock,
});

async function finish(
  tx: Executor,
  input: { lotId: string; itemId: string; today: string; created: boolean; movement: MovementRow },
): Promise<StockResult> {
  const lot = (await lotById(tx, input.lotId)) as LotRow;
  const item = (await itemById(tx, input.itemId, input.today)) as ItemRow;
  return { created: input.created, lot, item, movement: input.movement };
}

/** numeric(20,6) holds 14 integer digits: a receipt past that is refused, not a 500. */
function explainOverflow(error: unknown): never {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ((current as { code?: string }).code === '22003') {
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
    let before = await lotByNumber(tx, item.id, input.lot_number);
    const created = before === undefined;
    if (before) {
      refuseExpired(before, today);
      if (input.expiry_date !== undefined && input.expiry_date !== before.expiry_date) {
        throw new ConflictError(
          'lot_expiry_mismatch',
          `Lot ${before.lot_number} expires on ${before.expiry_date}`,
          {
            expiry_date: before.expiry_date,
          },
        );
      }
      if (input.vendor_id !== undefined && input.vendor_id !== before.vendor_id) {
        throw new ConflictError('lot_vendor_mismatch', `Lot ${before.lot_number} came from another vendor`, {
          vendor_id: before.vendor_id,
        });
      }
    } else {
      if (input.expiry_date !== undefined && input.expiry_date < today) {
        throw new ValidationError(
          'lot_already_expired',
          `The expiry date ${input.expiry_date} is before today`,
        );
      }
      // Created holding the received amount; the ledger row below records that receipt.
      const lotId = await insertLot(tx, {
        lab_id: item.lab_id,
        item_id: item.id,
        vendor_id: input.vendor_id ?? null,
        lot_number: input.lot_number,
        quantity: input.quantity,
        expiry_date: input.expiry_date ?? null,
        created_by: caller.id,
      });
      before = (await lotById(tx, lotId)) as LotRow;
    }
    const lotBalance = created
      ? before.quantity_remaining
      : ((await moveLotStock(tx, before.id, input.quantity)) as number);
    const itemBalance = await moveItemStock(tx, item.id, input.quantity);
    const movement = await insertMovement(tx, {
      lab_id: item.lab_id,
      item_id: item.id,
      lot_id: before.id,
      kind: 'receive',
      quantity: input.quantity,
      lot_balance_after: lotBalance,
      item_balance_after: itemBalance,
      reason: input.reason ?? null,
      sample_id: null,
      run_ref: null,
      actor_id: caller.id,
    });
    const result = await finish(tx, { lotId: before.id, itemId: item.id, today, created, movement });
    await appendAudit(tx, {
      ...actor,
      action: 'inventory.receive',
      entity_type: 'inventory_lot',
      entity_id: before.id,
      before: created ? null : stockView(before, item),
      after: {
        ...stockView(result.lot, result.item),
        item_id: item.id,
        expiry_date: result.lot.expiry_date,
        vendor_id: result.lot.vendor_id,
        quantity: input.quantity,
        movement_id: movement.id,
      },
      reason: input.reason ?? null,
    });
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
  const lot = await inLabs(ctx.db, caller.lab_ids, (tx) => lotById(tx, lotId));
  if (!lot) throw new NotFoundError('lot_not_found', 'There is no such lot');
  return receiveStock(ctx, caller, { item_id: lot.item_id, lot_number: lot.lot_number, ...input }, actor);
}

export interface ConsumeInput {
  quantity: number;
  reason?: string | undefined;
  sample_id?: string | undefined;
  run_ref?: string | undefined;
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
    if (input.sample_id && !(await sampleInLab(tx, lot.lab_id, input.sample_id))) {
      throw new NotFoundError('sample_not_found', "There is no such sample in the lot's lab");
    }
    const lotBalance = await moveLotStock(tx, lot.id, -input.quantity);
    if (lotBalance === undefined) {
      throw new AppError(
        409,
        'insufficient_stock',
        `Lot ${lot.lot_number} has ${lot.quantity_remaining} ${lot.unit} left`,
        {
          details: { available: lot.quantity_remaining, requested: input.quantity, unit: lot.unit },
        },
      );
    }
    const itemBalance = await moveItemStock(tx, item.id, -input.quantity);
    const movement = await insertMovement(tx, {
      lab_id: lot.lab_id,
      item_id: item.id,
      lot_id: lot.id,
      kind: 'consume',
      quantity: -input.quantity,
      lot_balance_after: lotBalance,
      item_balance_after: itemBalance,
      reason: input.reason ?? null,
      sample_id: input.sample_id ?? null,
      run_ref: input.run_ref ?? null,
      actor_id: caller.id,
    }).catch((error: unknown) => {
      if (isForeignKeyViolation(error))
        throw new NotFoundError('sample_not_found', "There is no such sample in the lot's lab");
      throw error;
    });
    const result = await finish(tx, { lotId: lot.id, itemId: item.id, today, created: false, movement });
    await appendAudit(tx, {
      ...actor,
      action: 'inventory.consume',
      entity_type: 'inventory_lot',
      entity_id: lot.id,
      before: stockView(lot, item),
      after: {
        ...stockView(result.lot, result.item),
        quantity: -input.quantity,
        sample_id: movement.sample_id,
        run_ref: movement.run_ref,
        movement_id: movement.id,
      },
      reason: input.reason ?? null,
    });
    return result;
  });
}
