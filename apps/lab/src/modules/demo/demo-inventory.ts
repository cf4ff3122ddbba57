import { addDays } from '@ours/platform/time';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { createItem, createVendor } from '../inventory/catalog.service.ts';
import { changeLot } from '../inventory/lots.service.ts';
import { consumeStock, receiveStock } from '../inventory/stock.service.ts';
import { labToday } from '../shared/lab-calendar.ts';
import { random } from './demo-random.ts';
import type { DemoCounts } from './demo-summary.ts';

const vendors = [
  { code: 'DEMO-V-SIGMA', name: 'Sigma Reagents Ltd' },
  { code: 'DEMO-V-THERMO', name: 'Thermo Labware' },
  { code: 'DEMO-V-QIA', name: 'Qia Kits' },
];

/** Items with the levels a real lab would set: [code, name, category, unit, reorder point, minimum]. */
const items: [string, string, string, string, number, number][] = [
  ['DEMO-EDTA-TUBE', 'EDTA tubes 4 mL', 'consumable', 'each', 500, 200],
  ['DEMO-PIPETTE-TIP', 'Filter tips 200 µL', 'consumable', 'box', 20, 5],
  ['DEMO-CRYOVIAL', 'Cryovials 2 mL', 'consumable', 'each', 400, 100],
  ['DEMO-ETHANOL', 'Ethanol absolute', 'reagent', 'L', 5, 2],
  ['DEMO-PBS', 'PBS buffer 10x', 'reagent', 'L', 4, 1],
  ['DEMO-TRIZOL', 'TRIzol reagent', 'reagent', 'mL', 200, 100],
  ['DEMO-DNA-KIT', 'DNA extraction kit', 'kit', 'kit', 3, 1],
  ['DEMO-RNA-KIT', 'RNA extraction kit', 'kit', 'kit', 3, 1],
  ['DEMO-ELISA-IL6', 'IL-6 ELISA kit', 'kit', 'plate', 4, 2],
  ['DEMO-QC-LOW', 'QC material, low level', 'control', 'mL', 10, 5],
  ['DEMO-QC-HIGH', 'QC material, high level', 'control', 'mL', 10, 5],
  ['DEMO-GLOVES-M', 'Nitrile gloves M', 'consumable', 'box', 10, 4],
];

/**
 * Inventory for the demo: three vendors, twelve items and 2-3 lots each with expiry dates from a
 * week to a year out (so some lots are near expiry), one lot quarantined pending QC, consumption
 * linked to demo samples, and two items left at or below their reorder point (low-stock alerts).
 */
export async function seedInventory(
  ctx: LabContext,
  operator: Principal,
  actor: AuditActor,
  sampleIds: string[],
): Promise<DemoCounts> {
  const next = random(7);
  const today = labToday(ctx.now());
  const vendorIds: string[] = [];
  for (const vendor of vendors) vendorIds.push((await createVendor(ctx, operator, vendor, actor)).id);
  let lots = 0;
  let nearExpiry = 0;
  let consumptions = 0;
  for (const [index, [code, name, category, unit, reorderPoint, minStock]] of items.entries()) {
    const item = await createItem(
      ctx,
      operator,
      {
        code,
        name,
        category,
        unit,
        reorder_point: reorderPoint,
        min_stock: minStock,
        location: 'Store room 1',
      },
      actor,
    );
    // The first two items are kept short of stock, so the low-stock report has something to show.
    const short = index < 2;
    const lotCount = short ? 1 : 2 + (index % 2);
    for (let lotIndex = 0; lotIndex < lotCount; lotIndex += 1) {
      const daysLeft =
        lotIndex === 0 && index % 3 === 0 ? 7 + Math.floor(next() * 20) : 60 + Math.floor(next() * 300);
      if (daysLeft <= 30) nearExpiry += 1;
      const quantity = short ? Math.round(reorderPoint * 0.6) : Math.round(reorderPoint * (0.8 + next()));
      const { lot } = await receiveStock(
        ctx,
        operator,
        {
          item_id: item.id,
          lot_number: `${code.replace('DEMO-', 'L')}-${lotIndex + 1}`,
          quantity,
          expiry_date: addDays(today, daysLeft),
          vendor_id: vendorIds[index % vendorIds.length],
          reason: 'demo delivery',
        },
        actor,
      );
      lots += 1;
      const sampleId = sampleIds[Math.floor(next() * sampleIds.length)];
      if (!short && sampleId && category !== 'kit') {
        await consumeStock(
          ctx,
          operator,
          lot.id,
          {
            quantity: Math.max(1, Math.round(quantity * 0.1)),
            reason: 'demo processing',
            sample_id: sampleId,
          },
          actor,
        );
        consumptions += 1;
      }
      if (code === 'DEMO-TRIZOL' && lotIndex === 1) {
        await changeLot(
          ctx,
          operator,
          lot.id,
          { status: 'quarantined', reason: 'demo: awaiting QC release' },
          actor,
        );
      }
    }
  }
  return { vendors: vendors.length, items: items.length, lots, lots_near_expiry: nearExpiry, consumptions };
}
