import type { FastifyBaseLogger } from 'fastify';
import type { LabContext } from '../../context.ts';
import { appendAuditEntries } from '../audit/audit.repository.ts';
import type { AuditActor } from '../audit/audit-actor.ts';
import { allLabIds, inLabs } from '../sites/lab-scope.ts';
import { expireLots, syncAlerts } from './alerts.repository.ts';
import { addDays, labToday, nextWallClockHour } from './lab-calendar.ts';

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
  const labIds = await allLabIds(ctx.db.orm);
  const summary: AlertRunSummary = { labs: labIds.length, opened: 0, resolved: 0, expired_lots: 0 };
  for (const labId of labIds) {
    await inLabs(ctx.db, [labId], async (tx) => {
      const expired = await expireLots(tx, labId, today);
      const { opened, resolved } = await syncAlerts(tx, labId, today, until);
      summary.opened += opened;
      summary.resolved += resolved;
      summary.expired_lots += expired.length;
      await appendAuditEntries(
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

/**
 * Runs `recordInventoryAlerts` once at start (a service started after 06:00, or down at 06:00, must
 * not wait a day for today's alerts) and then every day at 06:00 Europe/London (DST-correct: the
 * next run is recomputed from the wall clock each time). A failed run is logged; the next run
 * catches up, since the job records conditions, not events.
 */
export function startInventoryAlertJob(
  ctx: LabContext,
  log: FastifyBaseLogger,
): { stop(): Promise<unknown> } {
  let running: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const run = () => {
    running = recordInventoryAlerts(ctx)
      .then((summary) => log.info(summary, 'inventory alerts recorded'))
      .catch((error: unknown) => log.error({ err: error }, 'inventory alert job failed'))
      .finally(schedule);
  };
  const schedule = () => {
    if (stopped) return;
    const now = ctx.now();
    const delay = Math.max(1000, nextWallClockHour(now, 6).getTime() - now.getTime());
    timer = setTimeout(run, delay);
    timer.unref();
  };
  run();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      return running;
    },
  };
}
