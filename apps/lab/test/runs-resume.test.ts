import { describe, expect, it } from 'vitest';
import { simulatedDaq } from '../src/modules/instruments/index.ts';
import { auditEntriesOf } from './support/audit-entries.ts';
import { useRunLab } from './support/run-fixtures.ts';

const { lab, accounts, api, runIn, startedRun } = useRunLab();

/** A run started on another instance, left waiting at its approval step, then that instance stops. */
async function interruptedRun() {
  const peer = await lab.peer();
  const { id, devices } = await startedRun(undefined, peer.app);
  await runIn(id, ['waiting_for_approval']);
  // The instance goes away mid-run (a restart, a deployment): its runs are left interrupted.
  simulatedDaq(devices.daq).analogOut[0] = 2;
  await peer.close();
  expect((await runIn(id, ['interrupted'])).waiting_step).toBeNull();
  expect(simulatedDaq(devices.daq).analogOut).toEqual([0, 0, 0, 0]);
  return { id, devices };
}

describe('resuming an interrupted run', () => {
  it('continues from the last finished step on another server, steps not repeated', async () => {
    const { id } = await interruptedRun();
    const before = (await api('GET', `/api/runs/${id}`, accounts.scientist)).json();
    const finished = before.steps.map((step: { step_id: string }) => step.step_id);
    expect(finished.slice(0, 3)).toEqual(['bias', 'settle', 'ramp']);

    const resumed = await api('POST', `/api/runs/${id}/resume`, accounts.scientist, {
      reason: 'server restarted',
    });
    expect(resumed.statusCode).toBe(200);
    await runIn(id, ['waiting_for_approval']);
    const again = await api('POST', `/api/runs/${id}/resume`, accounts.scientist, { reason: 'twice' });
    expect(again.statusCode).toBe(409);
    const signed = await api('POST', `/api/runs/${id}/approvals/review`, accounts.admin, {
      password: accounts.admin.password,
      reason: 'peak checked after the restart',
    });
    expect(signed.statusCode).toBe(200);
    const run = await runIn(id, ['completed', 'failed', 'aborted']);
    expect(run.status).toBe('completed');
    const steps = run.steps.map((step: { step_id: string }) => step.step_id);
    // What finished before the interruption ran once; numbering went on where it stopped.
    expect(steps.filter((step: string) => step === 'bias')).toHaveLength(1);
    expect(steps.filter((step: string) => step === 'record_peak')).toHaveLength(1);
    expect(steps.at(-1)).toBe('zero');
    expect(run.steps.map((step: { seq: number }) => step.seq)).toEqual(
      run.steps.map((_: unknown, i: number) => i + 1),
    );
    const actions = (await auditEntriesOf(lab, id)).map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining(['run.interrupted', 'run.running', 'run.waiting_for_approval', 'run.completed']),
    );
    const resumedEntry = (await auditEntriesOf(lab, id)).find(
      (entry) => entry.action === 'run.running' && entry.reason === 'server restarted',
    );
    expect(resumedEntry?.before).toMatchObject({ status: 'interrupted' });
  });

  it('refuses to resume when the snapshot no longer holds (a device fell out of calibration)', async () => {
    const { id, devices } = await interruptedRun();
    // The DAQ fails a calibration while the run is down.
    const failed = await api('POST', '/api/calibration', accounts.admin, {
      device_id: devices.daq,
      result: 'fail',
    });
    expect(failed.statusCode).toBe(201);
    const refused = await api('POST', `/api/runs/${id}/resume`, accounts.scientist, { reason: 'restart' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('snapshot_no_longer_holds');
    expect(refused.json().error.details.problems).toEqual([
      expect.objectContaining({ role: 'daq', code: 'device_not_calibrated' }),
    ]);
    expect((await api('GET', `/api/runs/${id}`, accounts.scientist)).json().status).toBe('interrupted');
    // It can still be aborted, which frees its devices.
    const aborted = await api('POST', `/api/runs/${id}/abort`, accounts.scientist, {
      reason: 'calibration lapsed',
    });
    expect(aborted.json().status).toBe('aborted');
    const notInterrupted = await api('POST', `/api/runs/${id}/resume`, accounts.scientist, {});
    expect(notInterrupted.statusCode).toBe(409);
    expect(notInterrupted.json().error.code).toBe('invalid_run_transition');
  });
});
