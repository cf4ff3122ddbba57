import { ConflictError, NotFoundError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { labToday } from '../shared/lab-calendar.ts';
import { checkDay } from '../shared/quantities.ts';
import { inLabs } from '../sites/index.ts';
import { vendorById } from './catalog.repository.ts';
import { type LotRow, type LotStatus, updateLot } from './stock.repository.ts';
import { lockItemAndLot } from './stock-locks.ts';

export interface LotChanges {
  status?: 'active' | 'quarantined' | undefined;
  expiry_date?: string | null | undefined;
  vendor_id?: string | null | undefined;
  reason: string;
}

/** What a lot's status becomes when released or re-dated: usable unless empty or out of date. */
function settledStatus(remaining: number, expiry: string | null, today: string): LotStatus {
  if (expiry !== null && expiry < today) return 'expired';
  return remaining === 0 ? 'depleted' : 'active';
}

type LotFields = { status?: LotStatus; expiry_date?: string | null; vendor_id?: string | null };

const lotFields: (keyof LotFields)[] = ['status', 'expiry_date', 'vendor_id'];

/** The fields a change sets (those present, even when set to null). */
const changedKeys = (changes: LotFields) => lotFields.filter((field) => field in changes);

/**
 * Quarantines or releases a lot, or corrects its expiry date or vendor, with a reason. Only active
 * lots are quarantined; releasing settles the status from the quantity and the expiry date.
 */
export function changeLot(
  ctx: LabContext,
  caller: Principal,
  lotId: string,
  input: LotChanges,
  actor: AuditActor,
): Promise<LotRow> {
  if (input.expiry_date) checkDay(input.expiry_date, 'expiry_date');
  const today = labToday(ctx.now());
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const { lot } = await lockItemAndLot(tx, lotId, today);
    const changes: LotFields = {};
    if (input.vendor_id !== undefined && input.vendor_id !== lot.vendor_id) {
      if (input.vendor_id && !(await vendorById(tx, input.vendor_id, { labId: lot.lab_id }))) {
        throw new NotFoundError('vendor_not_found', "There is no such vendor in the lot's lab");
      }
      changes.vendor_id = input.vendor_id;
    }
    const expiry = input.expiry_date !== undefined ? input.expiry_date : lot.expiry_date;
    if (expiry !== lot.expiry_date) changes.expiry_date = expiry;
    if (input.status === 'quarantined' && lot.status !== 'quarantined') {
      if (lot.status !== 'active') {
        throw new ConflictError('invalid_status_transition', `A ${lot.status} lot cannot be quarantined`, {
          from: lot.status,
          to: 'quarantined',
        });
      }
      changes.status = 'quarantined';
    } else if (input.status === 'active' && lot.status === 'quarantined') {
      changes.status = settledStatus(lot.quantity_remaining, expiry, today);
    } else if (input.status === 'active' && lot.status !== 'active') {
      throw new ConflictError(
        'invalid_status_transition',
        `A ${lot.status} lot cannot be made active by hand`,
        {
          from: lot.status,
          to: 'active',
        },
      );
    } else if (changes.expiry_date !== undefined && (lot.status === 'active' || lot.status === 'expired')) {
      // A corrected expiry date moves a lot into or out of `expired`; a held lot stays held.
      changes.status = settledStatus(lot.quantity_remaining, expiry, today);
    }
    const fields = changedKeys(changes);
    if (fields.length === 0) return lot;
    const after: LotRow = { ...lot, ...(await updateLot(tx, lot.id, changes)) };
    await ctx.audit.append(tx, {
      ...actor,
      action: changes.status === 'quarantined' ? 'inventory.lot_quarantine' : 'inventory.lot_update',
      entity_type: 'inventory_lot',
      entity_id: lot.id,
      before: Object.fromEntries(fields.map((field) => [field, lot[field]])),
      after: Object.fromEntries(fields.map((field) => [field, after[field]])),
      reason: input.reason,
    });
    return after;
  });
}
