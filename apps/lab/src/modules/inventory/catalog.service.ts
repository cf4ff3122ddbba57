import { ConflictError, NotFoundError, ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { changedFields } from '../shared/changed-fields.ts';
import { isUniqueViolation } from '../shared/db-errors.ts';
import { checkFreeJson } from '../shared/free-json.ts';
import { labToday } from '../shared/lab-calendar.ts';
import { checkAmount } from '../shared/quantities.ts';
import { inLabs, targetLab } from '../sites/index.ts';
import {
  type ItemChanges,
  type ItemRow,
  insertItem,
  insertVendor,
  itemById,
  itemHasLots,
  updateItem,
  updateVendor,
  type VendorRow,
  vendorById,
} from './catalog.repository.ts';

const maxContactBytes = 4096;

/** What the trail keeps of a record (no timestamps or derived figures: the entry has its own). */
function auditView(row: object, drop: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !drop.includes(key)));
}

/** The item fields a change may set (never its stock). */
const itemFields: (keyof ItemChanges)[] = [
  'name',
  'category',
  'unit',
  'location',
  'reorder_point',
  'min_stock',
];

export async function createVendor(
  ctx: LabContext,
  caller: Principal,
  input: {
    code: string;
    name: string;
    contact_info?: Record<string, unknown> | undefined;
    lab_id?: string | undefined;
  },
  actor: AuditActor,
): Promise<VendorRow> {
  checkFreeJson(input.contact_info, 'contact_info', maxContactBytes);
  const labId = targetLab(caller.lab_ids, input.lab_id);
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const vendor = await insertVendor(tx, {
      lab_id: labId,
      code: input.code,
      name: input.name.trim(),
      contact_info: input.contact_info ?? {},
      created_by: caller.id,
    }).catch((error: unknown) => {
      if (isUniqueViolation(error))
        throw new ConflictError('vendor_code_taken', `A vendor with code ${input.code} exists in that lab`);
      throw error;
    });
    await ctx.audit.append(tx, {
      ...actor,
      action: 'inventory.vendor_create',
      entity_type: 'inventory_vendor',
      entity_id: vendor.id,
      before: null,
      after: auditView(vendor, ['created_at', 'updated_at', 'created_by']),
      reason: null,
    });
    return vendor;
  });
}

export async function changeVendor(
  ctx: LabContext,
  caller: Principal,
  id: string,
  input: { name?: string | undefined; contact_info?: Record<string, unknown> | undefined; reason: string },
  actor: AuditActor,
): Promise<VendorRow> {
  checkFreeJson(input.contact_info, 'contact_info', maxContactBytes);
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const before = await vendorById(tx, id, { lock: true });
    if (!before) throw new NotFoundError('vendor_not_found', 'There is no such vendor');
    const changes = {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.contact_info !== undefined ? { contact_info: input.contact_info } : {}),
    };
    const after = await updateVendor(tx, id, changes);
    const diff = changedFields(before, after, ['name', 'contact_info']);
    if (diff) {
      await ctx.audit.append(tx, {
        ...actor,
        action: 'inventory.vendor_update',
        entity_type: 'inventory_vendor',
        entity_id: id,
        ...diff,
        reason: input.reason,
      });
    }
    return after;
  });
}

export interface NewItemInput {
  code: string;
  name: string;
  category: string;
  unit: string;
  location?: string | undefined;
  reorder_point?: number | undefined;
  min_stock?: number | undefined;
  lab_id?: string | undefined;
}

function checkLevels(reorderPoint: number, minStock: number): void {
  checkAmount(reorderPoint, 'reorder_point');
  checkAmount(minStock, 'min_stock');
  if (minStock > reorderPoint) {
    throw new ValidationError(
      'min_stock_above_reorder_point',
      'The minimum stock cannot be above the reorder point',
      {
        min_stock: minStock,
        reorder_point: reorderPoint,
      },
    );
  }
}

/** A new item; its stock starts at zero and only receipts and consumptions move it. */
export async function createItem(
  ctx: LabContext,
  caller: Principal,
  input: NewItemInput,
  actor: AuditActor,
): Promise<ItemRow> {
  const reorderPoint = input.reorder_point ?? 0;
  const minStock = input.min_stock ?? 0;
  checkLevels(reorderPoint, minStock);
  const labId = targetLab(caller.lab_ids, input.lab_id);
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const item = await insertItem(
      tx,
      {
        lab_id: labId,
        code: input.code,
        name: input.name.trim(),
        category: input.category.trim(),
        unit: input.unit.trim(),
        location: input.location?.trim() ?? '',
        reorder_point: reorderPoint,
        min_stock: minStock,
        created_by: caller.id,
      },
      labToday(ctx.now()),
    ).catch((error: unknown) => {
      if (isUniqueViolation(error))
        throw new ConflictError('item_code_taken', `An item with code ${input.code} exists in that lab`);
      throw error;
    });
    await ctx.audit.append(tx, {
      ...actor,
      action: 'inventory.item_create',
      entity_type: 'inventory_item',
      entity_id: item.id,
      before: null,
      after: auditView(item, ['created_at', 'updated_at', 'created_by', 'available_stock']),
      reason: null,
    });
    return item;
  });
}

/** Changes an item's description and thresholds (never its stock), with a reason. */
export async function changeItem(
  ctx: LabContext,
  caller: Principal,
  id: string,
  input: ItemChanges & { reason: string },
  actor: AuditActor,
): Promise<ItemRow> {
  const today = labToday(ctx.now());
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const before = await itemById(tx, id, today, { lock: true });
    if (!before) throw new NotFoundError('item_not_found', 'There is no such item');
    const { reason, ...fields } = input;
    const wanted: ItemChanges = {
      name: fields.name?.trim(),
      category: fields.category?.trim(),
      unit: fields.unit?.trim(),
      location: fields.location?.trim(),
      reorder_point: fields.reorder_point,
      min_stock: fields.min_stock,
    };
    checkLevels(wanted.reorder_point ?? before.reorder_point, wanted.min_stock ?? before.min_stock);
    if (wanted.unit !== undefined && wanted.unit !== before.unit && (await itemHasLots(tx, id))) {
      throw new ConflictError('unit_in_use', 'The unit cannot change once lots are recorded in it', {
        unit: before.unit,
      });
    }
    const after = await updateItem(tx, id, wanted, today);
    const diff = changedFields(
      before,
      after,
      itemFields.filter((field) => wanted[field] !== undefined),
    );
    if (diff) {
      await ctx.audit.append(tx, {
        ...actor,
        action: 'inventory.item_update',
        entity_type: 'inventory_item',
        entity_id: id,
        ...diff,
        reason,
      });
    }
    return after;
  });
}
