import type { LabContext } from '../../context.ts';
import { grants, type Permission, type Principal } from '../access/index.ts';
import { readInLabs } from '../sites/index.ts';
import {
  auditChainState,
  calibrationsDue,
  openAlertsByKind,
  openRunsByStatus,
  runsAwaitingApproval,
  samplesByStatus,
  submittedVersionsNotBy,
} from './dashboard.repository.ts';

/** Days ahead that count as "calibration due soon". */
const dueSoonDays = 14;
/** How many pending approvals of each kind the dashboard lists. */
const listed = 20;

const tally = (rows: { count: number }[]) => rows.reduce((sum, row) => sum + row.count, 0);
const byKey = <K extends string>(rows: ({ count: number } & Record<string, unknown>)[], key: K) =>
  Object.fromEntries(rows.map((row) => [String(row[key]), row.count]));

/**
 * The figures of the caller's labs for the start page, each section only for a caller who may read
 * what it counts (null otherwise), and the approvals waiting for the caller: submitted workflow
 * versions someone else wrote (with `workflows:approve`), and runs waiting at an approval step that
 * the caller's role signs (or any, for whoever holds every permission).
 */
export async function dashboardFor(ctx: LabContext, caller: Principal) {
  const scope = readInLabs(ctx.db, caller.lab_ids);
  const granted = new Set(caller.permissions);
  const may = (permission: Permission) => grants(granted, permission);
  const when = <T>(permission: Permission, read: () => Promise<T>) =>
    may(permission) ? read() : Promise.resolve(null);
  const [samples, alerts, calibration, runs, audit, versions, waiting] = await Promise.all([
    when('samples:read', () => samplesByStatus(scope)),
    when('inventory:read', () => openAlertsByKind(scope)),
    when('calibration:read', () => calibrationsDue(scope, dueSoonDays)),
    when('runs:read', () => openRunsByStatus(scope)),
    when('audit:read', () => auditChainState(scope)),
    when('workflows:approve', () => submittedVersionsNotBy(scope, caller.id, listed)),
    // Whoever holds every permission signs any step; others the steps of their roles.
    when('runs:update', () => runsAwaitingApproval(scope, granted.has('*') ? null : caller.roles, listed)),
  ]);
  const runApprovals = (waiting ?? []).map((run) => ({
    run_id: run.id,
    lab_id: run.lab_id,
    workflow: run.workflow,
    step_id: run.waiting_step ?? '',
    approver_role: run.approver_role,
    waiting_since: run.updated_at,
  }));
  const alertCounts = alerts && byKey(alerts, 'kind');
  return {
    samples: samples && { total: tally(samples), by_status: byKey(samples, 'status') },
    inventory: alertCounts && {
      low_stock: alertCounts.low_stock ?? 0,
      expiring: alertCounts.expiring ?? 0,
      expired: alertCounts.expired ?? 0,
    },
    calibration: calibration && { ...calibration, due_soon_days: dueSoonDays },
    runs: runs && { open: tally(runs), by_status: byKey(runs, 'status') },
    audit: audit && {
      last_checkpoint: audit.checkpoint ?? null,
      last_verification: audit.verification
        ? {
            status: audit.verification.status,
            finished_at: audit.verification.finished_at,
            error: audit.verification.error,
          }
        : null,
    },
    my_approvals: {
      workflow_versions: (versions ?? []).map((version) => ({
        workflow: version.name,
        version: version.version,
        lab_id: version.lab_id,
        submitted_at: version.submitted_at,
      })),
      run_steps: runApprovals,
    },
  };
}
