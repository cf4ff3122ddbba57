import { queryAs } from '@ours/platform/db';
import { Gauge, type Registry } from 'prom-client';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { pushCounts } from './push-deliveries.repository.ts';

/**
 * Push delivery in /metrics, read from the database at scrape time so every instance reports the
 * same: `coach_push_deliveries{status}` (queued, sent, delivered, failed) and
 * `coach_push_tokens` (registered devices).
 */
export function registerPushMetrics(registry: Registry, ctx: AppContext): void {
  let cached: { at: number; counts: ReturnType<typeof pushCounts> } | undefined;
  const counts = () => {
    if (!cached || Date.now() - cached.at > 1_000) {
      cached = { at: Date.now(), counts: pushCounts(queryAs(ctx.db, serviceRole)) };
    }
    return cached.counts.catch(() => undefined);
  };
  new Gauge({
    name: 'coach_push_deliveries',
    help: 'Push messages by delivery status (failed: the device left, Expo refused, or retries used up)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const current = await counts();
      this.reset();
      for (const [status, count] of Object.entries(current?.deliveries ?? {})) this.set({ status }, count);
    },
  });
  new Gauge({
    name: 'coach_push_tokens',
    help: 'Registered Expo push tokens (devices)',
    registers: [registry],
    async collect() {
      const current = await counts();
      if (current) this.set(current.tokens);
    },
  });
}
