import { queryAs } from '@ours/platform/db';
import { Gauge, type Registry } from 'prom-client';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { alertCounts } from './alerts.repository.ts';

/**
 * Alert delivery in /metrics, read from the database at scrape time so every instance reports the
 * same: `coach_operator_alerts{status}` (pending, delivered, failed) and whether a webhook is set.
 */
export function registerAlertMetrics(registry: Registry, ctx: AppContext): void {
  let cached: { at: number; counts: ReturnType<typeof alertCounts> } | undefined;
  new Gauge({
    name: 'coach_operator_alerts',
    help: 'Operator alerts by delivery status (failed: every retry used up)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      if (!cached || Date.now() - cached.at > 1_000) {
        cached = { at: Date.now(), counts: alertCounts(queryAs(ctx.db, serviceRole)) };
      }
      const counts = await cached.counts.catch(() => undefined);
      this.reset();
      for (const [status, count] of Object.entries(counts ?? {})) this.set({ status }, count);
    },
  });
  new Gauge({
    name: 'coach_operator_alert_webhook_configured',
    help: '1 when ALERT_WEBHOOK_URL is set on this instance, else 0 (alerts are then not recorded)',
    registers: [registry],
    collect() {
      this.set(ctx.config.alerts.webhookUrl ? 1 : 0);
    },
  });
}
