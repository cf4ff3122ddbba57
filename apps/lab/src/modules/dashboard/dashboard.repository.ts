import { sql } from 'kysely';
import type { LabExecutor } from '../../db/lab-database.ts';

/** Live samples by status (soft-deleted ones left out). */
export function samplesByStatus(ex: LabExecutor) {
  return ex
    .selectFrom('samples')
    .select(['status', sql<number>`count(*)::integer`.as('count')])
    .where('deleted_at', 'is', null)
    .groupBy('status')
    .execute();
}

/** Open inventory alerts by kind (low stock, expiring, expired lots). */
export function openAlertsByKind(ex: LabExecutor) {
  return ex
    .selectFrom('inventory_alerts')
    .select(['kind', sql<number>`count(*)::integer`.as('count')])
    .where('resolved_at', 'is', null)
    .groupBy('kind')
    .execute();
}

/** Devices in service whose calibration is overdue, or due within `days`. */
export async function calibrationsDue(ex: LabExecutor, days: number) {
  const row = await ex
    .selectFrom('devices')
    .select([
      sql<number>`count(*) filter (where next_calibration_due < now())::integer`.as('overdue'),
      sql<number>`count(*) filter (where next_calibration_due >= now()
        and next_calibration_due < now() + make_interval(days => ${days}))::integer`.as('due_soon'),
      sql<number>`count(*) filter (where last_calibration_result = 'fail')::integer`.as('failed'),
    ])
    .where('in_service', '=', true)
    .executeTakeFirstOrThrow();
  return row;
}

/** Runs that have not ended, by status. */
export function openRunsByStatus(ex: LabExecutor) {
  return ex
    .selectFrom('workflow_executions')
    .select(['status', sql<number>`count(*)::integer`.as('count')])
    .where('status', 'in', ['created', 'running', 'paused', 'waiting_for_approval', 'interrupted'])
    .groupBy('status')
    .execute();
}

/** Submitted workflow versions someone other than `userId` wrote (what they may approve). */
export function submittedVersionsNotBy(ex: LabExecutor, userId: string, limit: number) {
  return ex
    .selectFrom('workflow_versions as v')
    .innerJoin('workflows as w', 'w.id', 'v.workflow_id')
    .select(['w.name', 'v.version', 'v.lab_id', 'v.submitted_at'])
    .where('v.status', '=', 'submitted')
    .where('v.author_id', '!=', userId)
    .orderBy('v.submitted_at')
    .limit(limit)
    .execute();
}

/**
 * Runs waiting at an approval step that one of `roles` signs (any role when null), oldest first. The
 * step's role is looked up in the definition by the database (a JSON path over nested steps), so no
 * definition travels to the server.
 */
export function runsAwaitingApproval(ex: LabExecutor, roles: readonly string[] | null, limit: number) {
  const approverRole = sql<string>`jsonb_path_query_first(v.definition, '$.**?(@.id == $step).approver_role',
    jsonb_build_object('step', r.waiting_step)) #>> '{}'`;
  let query = ex
    .selectFrom('workflow_executions as r')
    .innerJoin('workflow_versions as v', 'v.id', 'r.workflow_version_id')
    .innerJoin('workflows as w', 'w.id', 'v.workflow_id')
    .select([
      'r.id',
      'r.lab_id',
      'r.waiting_step',
      'r.updated_at',
      'w.name as workflow',
      approverRole.as('approver_role'),
    ])
    .where('r.status', '=', 'waiting_for_approval');
  if (roles) query = query.where(sql<boolean>`${approverRole} = any(${roles}::text[])`);
  return query.orderBy('r.updated_at').limit(limit).execute();
}

/** The last signed audit checkpoint, and the last run of the job that verifies the chain to sign one. */
export async function auditChainState(ex: LabExecutor) {
  const [checkpoint, verification] = await Promise.all([
    ex
      .selectFrom('audit_checkpoints')
      .select(['seq', 'signed_at'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst(),
    ex
      .selectFrom('job_runs')
      .select(['status', 'started_at', 'finished_at', 'error'])
      .where('name', '=', 'audit-checkpoint')
      .where('status', '!=', 'running')
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return { checkpoint, verification };
}
