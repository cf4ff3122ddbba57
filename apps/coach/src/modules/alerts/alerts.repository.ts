import { type Selectable, sql } from 'kysely';
import type { CoachExecutor, CoachSchema } from '../../db/coach-database.ts';
import type { AlertDraft } from './alert-text.ts';

export type OperatorAlert = Selectable<CoachSchema['operator_alerts']>;

/**
 * Records an incident's alert unless that incident already has an open one (the unique index on
 * open incident keys decides, across instances); the new row's id, or undefined when it existed.
 */
export async function insertAlert(tx: CoachExecutor, draft: AlertDraft): Promise<string | undefined> {
  const row = await tx
    .insertInto('operator_alerts')
    .values({ incident_key: draft.incidentKey, kind: draft.kind, text: draft.text })
    .onConflict((conflict) => conflict.column('incident_key').where('resolved_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Closes an open incident (its job succeeded): the next failure raises a new alert. */
export async function resolveIncident(tx: CoachExecutor, incidentKey: string): Promise<void> {
  await tx
    .updateTable('operator_alerts')
    .set({ resolved_at: sql<string>`now()` })
    .where('incident_key', '=', incidentKey)
    .where('resolved_at', 'is', null)
    .execute();
}

/**
 * Takes a pending alert for one delivery attempt. The lease keeps a second worker (another
 * instance, a duplicate job) from posting it at the same time; undefined when there is nothing to do.
 */
export function claimAlert(
  tx: CoachExecutor,
  id: string,
  leaseSeconds: number,
): Promise<OperatorAlert | undefined> {
  return tx
    .updateTable('operator_alerts')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_attempt_at: sql<string>`now()`,
      leased_until: sql<string>`now() + make_interval(secs => ${leaseSeconds})`,
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', sql<string>`now()`)]))
    .returningAll()
    .executeTakeFirst();
}

export async function markDelivered(tx: CoachExecutor, id: string): Promise<void> {
  await tx
    .updateTable('operator_alerts')
    .set({ status: 'delivered', delivered_at: sql<string>`now()`, leased_until: null, last_error: null })
    .where('id', '=', id)
    .execute();
}

/** An attempt failed: retried later (pending), or given up on after the last one (failed). */
export async function markAttemptFailed(
  tx: CoachExecutor,
  id: string,
  error: string,
  final: boolean,
): Promise<void> {
  await tx
    .updateTable('operator_alerts')
    .set({ status: final ? 'failed' : 'pending', leased_until: null, last_error: error.slice(0, 200) })
    .where('id', '=', id)
    .execute();
}

/** Alerts still waiting for delivery (queued again when a worker starts). */
export async function pendingAlertIds(tx: CoachExecutor): Promise<string[]> {
  const rows = await tx
    .selectFrom('operator_alerts')
    .select('id')
    .where('status', '=', 'pending')
    .orderBy('created_at')
    .limit(1_000)
    .execute();
  return rows.map((row) => row.id);
}

export function recentAlerts(tx: CoachExecutor, limit: number): Promise<OperatorAlert[]> {
  return tx.selectFrom('operator_alerts').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
}

/** How many alerts are in each delivery state (for /metrics and the admin view). */
export async function alertCounts(tx: CoachExecutor): Promise<Record<OperatorAlert['status'], number>> {
  const rows = await tx
    .selectFrom('operator_alerts')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  const counts = { pending: 0, delivered: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}
