import { queryAs } from '@ours/platform/db';
import type { PgBoss } from '@ours/platform/jobs';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { pendingAlertIds } from './alerts.repository.ts';
import { type AlertJobData, type AlertLog, alertQueue, deliverAlert } from './alerts.service.ts';

export interface AlertQueueOptions {
  /** First retry delay, doubled each time up to 15 minutes (tests shorten it). */
  retryDelaySeconds?: number | undefined;
  retryLimit?: number | undefined;
}

/**
 * The delivery queue. `exclusive` with the alert id as singleton key: one live job per alert
 * however often it is queued. The defaults (10 s doubling to 15 min, 12 retries) keep trying for
 * about two hours of webhook outage.
 */
export async function createAlertQueue(boss: PgBoss, options: AlertQueueOptions = {}): Promise<void> {
  await boss.createQueue(alertQueue, {
    policy: 'exclusive',
    notify: true,
    retryLimit: options.retryLimit ?? 12,
    retryDelay: options.retryDelaySeconds ?? 10,
    retryBackoff: true,
    retryDelayMax: 900,
    expireInSeconds: 60,
  });
}

/**
 * Works the delivery queue here, and queues alerts left pending (raised where no queue ran). An
 * instance without a webhook works none: it would take other instances' alerts and drop them.
 */
export async function workAlerts(
  boss: PgBoss,
  ctx: AppContext,
  log: AlertLog,
  options: AlertQueueOptions = {},
): Promise<void> {
  if (!ctx.config.alerts.webhookUrl) return;
  // A new alert wakes the worker by NOTIFY; a retry coming due does not, so poll about as often as
  // the first retry delay (pg-boss's backstop default, 30 s, would stretch every retry).
  const poll = Math.min(5, options.retryDelaySeconds ?? 10);
  await boss.work<
    AlertJobData,
    unknown,
    { includeMetadata: true; pollingIntervalSeconds: number; notifyPollingIntervalSeconds: number }
  >(
    alertQueue,
    { includeMetadata: true, pollingIntervalSeconds: poll, notifyPollingIntervalSeconds: poll },
    async ([job]) => {
      if (job) await deliverAlert(ctx, job, log);
    },
  );
  for (const alertId of await pendingAlertIds(queryAs(ctx.db, serviceRole)))
    await boss.send(alertQueue, { alertId } satisfies AlertJobData, { singletonKey: alertId });
}
