import { NotFoundError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import { type AuditActor, entityEntries } from '../audit/index.ts';
import { isJsonObject } from '../shared/free-json.ts';
import { isUuid } from '../shared/uuid.ts';
import { signaturesOf } from '../signatures/index.ts';
import { inLabs } from '../sites/index.ts';
import { type ReportRun, runForReport, stepsForReport } from './run-report.repository.ts';
import { type RunReportData, runReportPdf } from './run-report.ts';
import { samplesOfRun } from './runs.repository.ts';

/** The report lists this many steps from each end of a run; the ones between are counted. */
export const reportStepEdge = 100;

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
const orNull = (value: unknown) => (value === undefined || value === null ? null : String(value));
const person = (name: string | null, email: string | null) => (email ? `${name ?? ''} <${email}>` : null);

/** The bound devices as the run's configuration snapshot recorded them, by role. */
function snapshotDevices(snapshot: ReportRun['snapshot']): RunReportData['devices'] {
  const devices = isJsonObject(snapshot.devices) ? snapshot.devices : {};
  return Object.entries(devices)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([role, bound]) => {
      const device = isJsonObject(bound) ? bound : {};
      const calibration = isJsonObject(device.calibration) ? device.calibration : {};
      return {
        role,
        device_id: text(device.device_id),
        name: text(device.name),
        driver: text(device.driver),
        calibration_state: text(calibration.state),
        last_calibrated_at: orNull(calibration.last_calibrated_at),
        next_calibration_due: orNull(calibration.next_calibration_due),
      };
    });
}

/**
 * A run's report as a PDF. Everything it shows is read in one transaction of the caller's labs (a run
 * elsewhere is not found), which then appends `run.report_exported` as its last statement. Once
 * committed, that entry is sealed into the chain, and its place there (seq and hash) is the anchor the
 * report prints: everything listed is at or before it. The PDF is drawn after the commit.
 */
export async function runReport(
  ctx: LabContext,
  caller: Principal,
  id: string,
  actor: AuditActor,
): Promise<{ run_id: string; pdf: Buffer }> {
  // A run that has just ended shows its last entry too (the worker seals it after its commit).
  await ctx.audit.caughtUp(ctx.db.kysely);
  const { receipt, ...read } = await inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const run = isUuid(id) ? await runForReport(tx, id) : undefined;
    if (!run) throw new NotFoundError('run_not_found', `There is no run ${id}`);
    const steps = await stepsForReport(tx, run.id, reportStepEdge);
    const samples = await samplesOfRun(tx, run.id);
    const signatures = await signaturesOf(tx, 'run', run.id);
    const audit = [
      ...(await entityEntries(tx, 'run', run.id)),
      ...(await entityEntries(tx, 'config_snapshot', run.snapshot_id)),
    ].sort((a, b) => a.seq - b.seq);
    const receipt = await ctx.audit.append(tx, {
      ...actor,
      action: 'run.report_exported',
      entity_type: 'run',
      entity_id: run.id,
      before: null,
      after: {
        format: 'pdf',
        status: run.status,
        snapshot_hash: run.snapshot_hash,
        steps: steps.total,
        steps_listed: steps.first.length + steps.last.length,
        signatures: signatures.length,
        audit_entries: audit.length,
      },
      reason: null,
    });
    return {
      receipt,
      generated_at: receipt.occurred_at,
      generated_by: actor.actor_email ?? '',
      run: {
        id: run.id,
        status: run.status,
        reason: run.reason,
        parameters: run.parameters,
        created_at: run.created_at,
        started_at: run.started_at,
        finished_at: run.finished_at,
        waiting_step: run.waiting_step,
        failed_step: run.failed_step,
        error: run.error,
        abort_reason: run.abort_reason,
        aborted_by: person(run.aborted_by_name, run.aborted_by_email),
      },
      lab: { id: run.lab_id, code: run.lab_code, name: run.lab_name },
      workflow: { name: run.workflow, version: run.version, definition_hash: run.definition_hash },
      operator: person(run.operator_name, run.operator_email) ?? '',
      snapshot: { id: run.snapshot_id, hash: run.snapshot_hash },
      devices: snapshotDevices(run.snapshot),
      samples,
      steps,
      signatures,
      audit,
    };
  });
  // The export's own entry is the head the report prints: sealed into the chain once committed.
  const entry = await receipt.sealed();
  const data: RunReportData = {
    ...read,
    audit: [...read.audit, entry],
    head: { seq: entry.seq, hash: entry.hash },
  };
  return { run_id: data.run.id, pdf: await runReportPdf(data) };
}
