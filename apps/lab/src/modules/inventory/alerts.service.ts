import { addDays } from '@ours/platform/time';
import type { LabContext } from '../../context.ts';
import type { AuditActor } from '../audit/index.ts';
import { labToday } from '../shared/lab-calendar.ts';
import { allLabIds, inLabs } from '../sites/index.ts';
import { expireLots, syncAlerts } from './alerts.repository.ts';

/** How far ahead the daily job looks for expiring lots. */
export const expiringWindowDays = 30;

const system: AuditActor = {
  actor_id: null,
  actor_email: 'system:inventory-alerts',
  request_id: null,
  client_ip: null,
};

export interface AlertRunSummary {
  labs: number;
  opened: number;
  resolved: number;
  expired_lots: number;
}

/**
 * The daily inventory check, across every lab (one transaction each): marks active lots past their
 * expiry date `expired` (audited as the system), records alert conditions not already open
 * (low stock, expiring within 30 days, expired), and resolves open alerts whose condition cleared.
 * Running it twice records nothing twice.
 */
export async function recordInventoryAlerts(ctx: LabContext): Promise<AlertRunSummary> {
  const today = labToday(ctx.now());
  const until = addDays(today, expiringWindowDays);
  const labIds = await allLabIds(ctx.db.kysely);
  const summary: AlertRunSummary = { labs: labIds.length, opened: 0, resolved: 0, expired_lots: 0 };
  for (const labId of labIds) {
    await inLabs(ctx.db, [labId], async (tx) => {
      const expired = await expireLots(tx, labId, today);
      const { opened, resolved } = await syncAlerts(tx, labId, today, until);
      summary.opened += opened;
      summary.resolved += resolved;
      summary.expired_lots += expired.length;
      await ctx.audit.appendMany(
        tx,
        expired.map((lot) => ({
          ...system,
          action: 'inventory.lot_expire',
          entity_type: 'inventory_lot',
          entity_id: lot.id,
          before: { status: 'active' },
          after: { status: 'expired', expiry_date: lot.expiry_date },
          reason: `Expiry date ${lot.expiry_date} passed`,
        })),
      );
    });
  }
  return summary;
}
