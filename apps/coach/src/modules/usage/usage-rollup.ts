import { asRole } from '@ours/platform/db';
import type { PgBoss } from '@ours/platform/jobs';
import type { AppContext } from '../../context.ts';
import type { AlertLog } from '../alerts/index.ts';
import { serviceRole } from '../shared/service-role.ts';
import { alertUnpricedSince } from './price-alerts.ts';
import { dayMs, floorTo, hourMs } from './usage-range.ts';
import {
  firstLogAt,
  lockRollups,
  pruneUserTotals,
  recomputeHourly,
  recomputeUserTotals,
  rollupWatermarks,
  setWatermark,
} from './usage-rollup.repository.ts';

/** Closed hours recomputed on every run: a row committed late into them is counted within a minute. */
const recomputedHours = 2;

export const usageRollupQueue = 'usage-rollup';

/**
 * One run of the rollup job: recomputes the hourly rollup for the last closed hours (everything
 * since the first log row on the first run) and, when an hour has closed since the last run, the
 * per-user running totals of the days those hours touch (and the days after); then raises price_missing alerts for recent
 * unpriced rows. Idempotent: a repeated or concurrent run computes the same rows.
 */
export async function runUsageRollup(ctx: AppContext, log: AlertLog): Promise<{ coveredUntil: string }> {
  const closed = floorTo(ctx.now(), hourMs);
  const watermarks = await asRole(ctx.db, serviceRole, rollupWatermarks);
  // The first log row is only where a rollup without a watermark (its first run) starts.
  const first =
    watermarks.hourly && watermarks.user_totals ? null : await asRole(ctx.db, serviceRole, firstLogAt);
  const startOf = (watermark: string | undefined) => {
    if (watermark)
      return new Date(Math.min(Date.parse(watermark), closed.getTime()) - recomputedHours * hourMs);
    return first ? floorTo(new Date(first), hourMs) : closed;
  };

  const hourlyFrom = startOf(watermarks.hourly);
  await asRole(ctx.db, serviceRole, async (tx) => {
    await lockRollups(tx);
    if (hourlyFrom < closed) await recomputeHourly(tx, hourlyFrom.toISOString(), closed.toISOString());
    await setWatermark(tx, 'hourly', closed.toISOString());
  });

  // A whole day's users are recomputed at a time (each day from the one before), so only when a
  // new hour has closed.
  const userWatermark = watermarks.user_totals;
  if (!userWatermark || Date.parse(userWatermark) < closed.getTime()) {
    for (
      let day = floorTo(startOf(userWatermark), dayMs);
      day < closed;
      day = new Date(day.getTime() + dayMs)
    ) {
      const end = new Date(Math.min(day.getTime() + dayMs, closed.getTime()));
      await asRole(ctx.db, serviceRole, async (tx) => {
        await lockRollups(tx);
        await recomputeUserTotals(tx, day.toISOString().slice(0, 10), end.toISOString());
      });
    }
    await asRole(ctx.db, serviceRole, async (tx) => {
      await pruneUserTotals(tx, closed.toISOString().slice(0, 10));
      await setWatermark(tx, 'user_totals', closed.toISOString());
    });
  }

  await alertUnpricedSince(ctx, new Date(closed.getTime() - recomputedHours * hourMs), log);
  return { coveredUntil: closed.toISOString() };
}

/**
 * The rollup queue, run every minute (one run at a time across instances: a singleton queue).
 * Works it here when this process runs workers.
 */
export async function startUsageRollups(
  boss: PgBoss,
  ctx: AppContext,
  log: AlertLog & { error(details: object, message: string): void },
  workers: boolean,
): Promise<void> {
  await boss.createQueue(usageRollupQueue, {
    policy: 'singleton',
    retryLimit: 1,
    retryDelay: 30,
    expireInSeconds: 300,
  });
  if (!workers) return;
  await boss.schedule(usageRollupQueue, '* * * * *', {}, { singletonKey: usageRollupQueue });
  await boss.work(usageRollupQueue, { pollingIntervalSeconds: 5 }, async () => {
    try {
      await runUsageRollup(ctx, log);
    } catch (error) {
      log.error({ err: error }, 'usage rollup failed');
      throw error;
    }
  });
}
