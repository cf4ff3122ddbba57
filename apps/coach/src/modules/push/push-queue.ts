import type { PgBoss } from '@ours/platform/jobs';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../context.ts';
import { runPushDelivery } from './push-dispatcher.ts';

export const pushQueue = 'push-delivery';

/**
 * The delivery queue: a run every minute (retries and receipts come due without a wake) plus one
 * soon after each `wake()`. `stately` keeps at most one run queued and one active across instances,
 * so wakes in a burst collapse into one run; the leases make even overlapping runs safe.
 */
export async function startPushQueue(
  boss: PgBoss,
  ctx: AppContext,
  log: FastifyBaseLogger,
  workers: boolean,
): Promise<{ wake(): void }> {
  await boss.createQueue(pushQueue, { policy: 'stately', retryLimit: 0, expireInSeconds: 900 });
  if (workers && ctx.config.push.enabled) {
    await boss.schedule(pushQueue, '* * * * *', {}, { singletonKey: pushQueue });
    await boss.work(pushQueue, { pollingIntervalSeconds: 1 }, async () => {
      const summary = await runPushDelivery(ctx);
      if (summary.requests + summary.receiptRequests > 0) log.info({ push: summary }, 'push delivery run');
    });
  }
  let lastWake = 0;
  return {
    wake: () => {
      if (!ctx.config.push.enabled || Date.now() - lastWake < 1_000) return;
      lastWake = Date.now();
      boss
        .send(pushQueue, {})
        .catch((error: unknown) => log.warn({ err: error }, 'could not queue a push run'));
    },
  };
}
