import { asRole, queryAs } from '@ours/platform/db';
import type { JobWithMetadata } from '@ours/platform/jobs';
import { CompiledQuery, sql, type Transaction } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { CoachSchema } from '../../db/coach-database.ts';
import { errorMessage } from '../shared/error-message.ts';
import { serviceRole } from '../shared/service-role.ts';
import { type AlertDraft, webhookBody } from './alert-text.ts';
import {
  claimAlert,
  insertAlert,
  markAttemptFailed,
  markDelivered,
  resolveIncident,
} from './alerts.repository.ts';
import { postWebhook } from './webhook-sender.ts';

/** The delivery queue: one job per alert, retried with backoff while the webhook is down. */
export const alertQueue = 'operator-alert';

export interface AlertJobData {
  alertId: string;
}

/** The least a caller needs to report a problem with alerting itself (a Fastify or pino logger). */
export interface AlertLog {
  warn(details: object, message: string): void;
}

/**
 * Raises an operator alert: records it (once per open incident, whichever instance raises it first)
 * and queues its delivery in the same transaction, so the alert is neither lost nor sent twice and
 * the caller never waits on the webhook. Without `ALERT_WEBHOOK_URL` nothing is recorded or queued.
 * Returns the new alert's id, or undefined when nothing new was raised.
 */
export async function raiseAlert(ctx: AppContext, draft: AlertDraft): Promise<string | undefined> {
  if (!ctx.config.alerts.webhookUrl) return undefined;
  const boss = ctx.jobs?.boss;
  return asRole(ctx.db, serviceRole, async (tx) => {
    const id = await insertAlert(tx, draft);
    // No queue in this process (a command-line tool): the next worker to start queues it.
    if (id === undefined || !boss) return id;
    // pg-boss's tables belong to the login role, not to service_role: step back to it for the send.
    await sql`select set_config('role', 'none', true)`.execute(tx);
    await boss.send(alertQueue, { alertId: id } satisfies AlertJobData, {
      singletonKey: id,
      db: queueExecutor(tx),
    });
    return id;
  });
}

/** Raises an alert from a path that must not fail because of it (/ask, a job's error handling). */
export async function raiseAlertSafely(ctx: AppContext, draft: AlertDraft, log: AlertLog): Promise<void> {
  try {
    await raiseAlert(ctx, draft);
  } catch (error) {
    log.warn({ err: error, incident: draft.incidentKey }, 'could not record an operator alert');
  }
}

/** The incident is over (its job succeeded again): a later failure is a new incident. */
export async function resolveAlertIncident(
  ctx: AppContext,
  incidentKey: string,
  log: AlertLog,
): Promise<void> {
  if (!ctx.config.alerts.webhookUrl) return;
  try {
    await resolveIncident(queryAs(ctx.db, serviceRole), incidentKey);
  } catch (error) {
    log.warn({ err: error, incident: incidentKey }, 'could not close an operator alert incident');
  }
}

// Longer than one webhook call may take (10 s), so a live attempt is never overtaken.
const leaseSeconds = 30;

/**
 * One delivery attempt of a queued alert. A failure is recorded and thrown, so pg-boss retries it
 * with backoff; after the last attempt the alert is marked failed (visible in /admin/alerts and
 * /metrics).
 */
export async function deliverAlert(
  ctx: AppContext,
  job: JobWithMetadata<AlertJobData>,
  log: AlertLog,
): Promise<void> {
  const { webhookUrl, format } = ctx.config.alerts;
  // Unset since the alert was raised: it stays pending until a process with a webhook starts.
  if (!webhookUrl) return;
  const alert = await claimAlert(queryAs(ctx.db, serviceRole), job.data.alertId, leaseSeconds);
  if (!alert) return;
  try {
    await postWebhook(webhookUrl, webhookBody(format, alert.text));
  } catch (error) {
    const final = job.retryCount >= job.retryLimit;
    const reason = errorMessage(error);
    await markAttemptFailed(queryAs(ctx.db, serviceRole), alert.id, reason, final);
    log.warn({ alertId: alert.id, attempt: alert.attempts, final, reason }, 'operator alert not delivered');
    throw error;
  }
  await markDelivered(queryAs(ctx.db, serviceRole), alert.id);
}

/** pg-boss statements on our open transaction, so the job exists exactly when the alert does. */
function queueExecutor(tx: Transaction<CoachSchema>) {
  return {
    executeSql: async (text: string, values: unknown[] = []) => ({
      rows: (await tx.executeQuery(CompiledQuery.raw(text, values))).rows as unknown[],
    }),
  };
}
