import { queryAs } from '@ours/platform/db';
import { localDateOf, startOfLocalDate } from '@ours/platform/time';
import { Gauge, type Registry } from 'prom-client';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { bucketQuantile } from './latency-histogram.ts';
import { type UsageTally, usageByModel } from './usage-report.service.ts';
import { rollupWatermarks } from './usage-rollup.repository.ts';

type Period = 'day' | 'month';
type Snapshot = Record<Period, { total: UsageTally; models: Map<string, UsageTally> }>;

// Scrapes from several Prometheus servers share one read of the rollups.
const cacheMs = 15_000;

/**
 * The /admin/usage figures in /metrics for the current local day and month (COACH_TIMEZONE), read
 * from the rollups at scrape time (plus the raw rows of the open hour), so every instance reports
 * the same: `coach_usage_requests`, `coach_usage_tokens`, `coach_usage_cost_usd`,
 * `coach_usage_cost_unknown_requests`, `coach_usage_latency_ms`.
 */
export function registerUsageMetrics(registry: Registry, ctx: AppContext): void {
  let cached: { at: number; snapshot: Promise<Snapshot> } | undefined;
  const read = async (): Promise<Snapshot | undefined> => {
    if (!cached || Date.now() - cached.at > cacheMs) cached = { at: Date.now(), snapshot: snapshot(ctx) };
    return cached.snapshot.catch(() => undefined);
  };
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, s: Snapshot) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const current = await read();
        this.reset();
        if (current) fill(this, current);
      },
    });
  const periods: Period[] = ['day', 'month'];

  gauge(
    'coach_usage_requests',
    'Requests to /ask (and other logged calls) this local day/month by outcome: success, a fallback reason, failed',
    ['period', 'outcome'],
    (g, s) => {
      for (const period of periods) {
        const { total } = s[period];
        g.set({ period, outcome: 'success' }, total.succeeded);
        for (const [reason, count] of total.byReason) g.set({ period, outcome: reason }, count);
        const failed = total.requests - total.succeeded - total.fallbacks;
        if (failed > 0) g.set({ period, outcome: 'failed' }, failed);
      }
    },
  );
  gauge(
    'coach_usage_tokens',
    'Tokens this local day/month by model and kind (prompt, completion, cached: part of prompt)',
    ['period', 'model', 'kind'],
    (g, s) => {
      for (const period of periods)
        for (const [model, tally] of s[period].models) {
          g.set({ period, model, kind: 'prompt' }, tally.prompt);
          g.set({ period, model, kind: 'completion' }, tally.completion);
          g.set({ period, model, kind: 'cached' }, tally.cached);
        }
    },
  );
  gauge('coach_usage_cost_usd', 'Cost in USD this local day/month by model', ['period', 'model'], (g, s) => {
    for (const period of periods)
      for (const [model, tally] of s[period].models) g.set({ period, model }, tally.cost);
  });
  gauge(
    'coach_usage_cost_unknown_requests',
    'Calls this local day/month to a model with no price in force (their cost is not counted)',
    ['period'],
    (g, s) => {
      for (const period of periods) g.set({ period }, s[period].total.unknown);
    },
  );
  gauge(
    'coach_usage_latency_ms',
    'Request latency percentiles this local day/month (from log-spaced buckets, within 9.1%)',
    ['period', 'quantile'],
    (g, s) => {
      for (const period of periods)
        for (const quantile of [0.5, 0.95]) {
          const value = bucketQuantile(s[period].total.buckets, quantile);
          if (value !== null) g.set({ period, quantile: String(quantile) }, value);
        }
    },
  );
}

async function snapshot(ctx: AppContext): Promise<Snapshot> {
  const now = ctx.now();
  const timeZone = ctx.config.jobs.timeZone;
  const today = localDateOf(now, timeZone);
  const dayStart = startOfLocalDate(today, timeZone);
  const monthStart = startOfLocalDate(`${today.slice(0, 8)}01`, timeZone);
  const to = new Date(now.getTime() + 1);
  const watermarks = await rollupWatermarks(queryAs(ctx.db, serviceRole));
  const [day, month] = await Promise.all([
    usageByModel(ctx, { from: dayStart, to }, watermarks),
    usageByModel(ctx, { from: monthStart, to }, watermarks),
  ]);
  return { day, month };
}
