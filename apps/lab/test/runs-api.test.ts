import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { simulatedDaq } from '../src/modules/instruments/index.ts';
import { createRunSupervisor } from '../src/modules/runs/run-supervisor.ts';
import { auditEntriesOf } from './support/audit-entries.ts';
import type { TestAccount } from './support/lab-app.ts';
import { useRunLab, withoutApproval } from './support/run-fixtures.ts';
import { asSuperuser } from './support/superuser.ts';

const { lab, accounts, api, definition, approvedWorkflow, device, instruments, runIn, newSample } =
  useRunLab();

describe('workflow runs', () => {
  it('runs an approved workflow to completion: snapshot, reservations, checkpoints, audit, logbook', async () => {
    const workflow = await approvedWorkflow(definition(withoutApproval));
    const devices = await instruments();
    const sample = await newSample();
    const created = await api('POST', '/api/runs', accounts.scientist, {
      workflow,
      parameters: { working_voltage: 4 },
      devices,
      samples: [sample.sample_id],
      reason: 'batch 12 crystallisation',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ workflow, version: 1, operator_id: accounts.scientist.id });
    expect(created.json().snapshot_hash).toMatch(/^[0-9a-f]{64}$/);

    const run = await runIn(created.json().id, ['completed', 'failed', 'aborted']);
    expect(run).toMatchObject({ status: 'completed', error: null });
    expect(run.parameters).toMatchObject({ working_voltage: 4, bias_voltage: 1 });
    const steps = run.steps.map((step: { step_id: string }) => step.step_id);
    expect(steps.slice(0, 3)).toEqual(['bias', 'settle', 'ramp']);
    expect(steps).toContain('record_peak');
    expect(steps.at(-1)).toBe('zero');
    expect(
      run.devices.every((reservation: { released_at: string | null }) => reservation.released_at !== null),
    ).toBe(true);

    const entries = (await auditEntriesOf(lab, run.id)).map((entry) => entry.action);
    expect(entries).toEqual(['run.create', 'run.running', 'run.completed']);
    const closing = (await auditEntriesOf(lab, run.id)).at(-1);
    expect(closing?.after).toMatchObject({ status: 'completed', steps: run.steps.length });
    const logbook = (await api('GET', `/api/devices/${devices.daq}/usage`, accounts.admin)).json();
    expect(logbook.items[0]).toMatchObject({ run_ref: run.id });
    expect(run.samples).toEqual([expect.objectContaining({ sample_id: sample.sample_id })]);
    const traced = (await api('GET', `/api/samples/${sample.sample_id}/runs`, accounts.scientist)).json();
    expect(traced.runs).toEqual([
      expect.objectContaining({
        id: run.id,
        workflow,
        version: 1,
        status: 'completed',
        snapshot_hash: run.snapshot_hash,
      }),
    ]);
  });

  it('keeps each spectrum compactly and serves it whole, downsampled or as CSV', async () => {
    const workflow = await approvedWorkflow(definition(withoutApproval));
    const created = (
      await api('POST', '/api/runs', accounts.scientist, { workflow, devices: await instruments() })
    ).json();
    const run = await runIn(created.id, ['completed', 'failed', 'aborted']);
    const acquisitions = run.steps.filter((step: { step_id: string }) => step.step_id === 'acquire').length;
    const whole = (
      await api('GET', `/api/runs/${run.id}/data?step=acquire&limit=1000`, accounts.scientist)
    ).json();
    expect(whole.frames).toHaveLength(acquisitions);
    expect(whole.frames[0]).toMatchObject({ kind: 'spectrum', points: 1024, start_nm: 400 });
    expect(whole.frames[0].values).toHaveLength(1024);
    const peak = Math.max(...whole.frames.at(-1).values);
    expect(peak).toBeCloseTo(
      Number(
        run.steps.filter((s: { step_id: string }) => s.step_id === 'acquire').at(-1).outputs.peak_intensity,
      ),
      0,
    );

    const small = (
      await api('GET', `/api/runs/${run.id}/data?step=acquire&max_points=128&limit=1`, accounts.scientist)
    ).json();
    expect(small.frames[0].values).toHaveLength(128);
    expect(small.frames[0].step_nm).toBeCloseTo((600 / 1023) * 8, 6);
    expect(small.next_after_seq).toBe(acquisitions > 1 ? small.frames[0].seq : null);

    const csv = await api(
      'GET',
      `/api/runs/${run.id}/data?step=acquire&max_points=4&limit=2&format=csv`,
      accounts.scientist,
    );
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('frame,step_id,captured_at,index,wavelength_nm,value,unit');
    expect(lines).toHaveLength(1 + 2 * 4);

    const closing = (await auditEntriesOf(lab, run.id)).at(-1);
    expect(closing?.after).toMatchObject({
      data_frames: acquisitions,
      data_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('refuses bad parameters, unknown or missing roles, and devices of the wrong kind', async () => {
    const workflow = await approvedWorkflow(definition(withoutApproval));
    const devices = await instruments();
    const bad = await api('POST', '/api/runs', accounts.scientist, {
      workflow,
      parameters: { working_voltage: 50, colour: 'red' },
      devices,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'invalid_parameters',
      details: [
        { path: '/parameters/colour', code: 'unknown_parameter' },
        {
          path: '/parameters/working_voltage',
          code: 'invalid_parameter',
          message: 'working_voltage is 50 V, above the maximum 10 V',
        },
      ],
    });
    const swapped = await api('POST', '/api/runs', accounts.scientist, {
      workflow,
      devices: { daq: devices.raman, raman: devices.daq },
    });
    expect(swapped.json().error.code).toBe('wrong_device_kind');
    const missing = await api('POST', '/api/runs', accounts.scientist, {
      workflow,
      devices: { daq: devices.daq },
    });
    expect(missing.json().error.code).toBe('missing_device');
    const uncalibrated = await device('sim-daq', {}, false);
    const refused = await api('POST', '/api/runs', accounts.scientist, {
      workflow,
      devices: { ...devices, daq: uncalibrated.id },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('device_not_calibrated');
  });

  it('runs only approved versions', async () => {
    const document = definition(withoutApproval);
    await api('POST', '/api/workflows', accounts.scientist, { definition: document });
    const response = await api('POST', '/api/runs', accounts.scientist, {
      workflow: document.name,
      devices: await instruments(),
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('no_approved_version');
  });

  it('keeps a device to one run at a time, and aborts a run with its on_abort steps, freeing its devices', async () => {
    // The approval step holds the run while the second asks for its devices.
    const workflow = await approvedWorkflow(definition());
    const devices = await instruments();
    const first = (await api('POST', '/api/runs', accounts.scientist, { workflow, devices })).json();
    await runIn(first.id, ['running']);
    const second = await api('POST', '/api/runs', accounts.scientist, { workflow, devices });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('device_busy');

    const aborted = await api('POST', `/api/runs/${first.id}/abort`, accounts.scientist, {
      reason: 'wrong sample loaded',
    });
    expect(aborted.statusCode).toBe(200);
    const run = await runIn(first.id, ['aborted']);
    expect(run).toMatchObject({ abort_reason: 'wrong sample loaded', aborted_by: accounts.scientist.id });
    expect(run.steps.map((step: { step_id: string }) => step.step_id)).toContain('abort_zero');
    expect((await api('POST', '/api/runs', accounts.scientist, { workflow, devices })).statusCode).toBe(201);
    const again = await api('POST', `/api/runs/${first.id}/abort`, accounts.scientist, { reason: 'twice' });
    expect(again.json().error.code).toBe('invalid_run_transition');
  });

  it('waits at an approval step until a person with its role signs, then goes on', async () => {
    const workflow = await approvedWorkflow(definition());
    const created = (
      await api('POST', '/api/runs', accounts.scientist, { workflow, devices: await instruments() })
    ).json();
    const waiting = await runIn(created.id, ['waiting_for_approval']);
    expect(waiting.waiting_step).toBe('review');

    const sign = (account: TestAccount, overrides: Record<string, unknown> = {}) =>
      api('POST', `/api/runs/${created.id}/approvals/review`, account, {
        password: account.password,
        reason: 'peak and spectrum checked',
        ...overrides,
      });
    const notTheRole = await sign(accounts.scientist);
    expect(notTheRole.statusCode).toBe(403);
    expect(notTheRole.json().error.code).toBe('approver_role_required');
    expect((await sign(accounts.admin, { password: 'Not-the-password-1!' })).statusCode).toBe(401);
    const wrongStep = await api('POST', `/api/runs/${created.id}/approvals/zero`, accounts.admin, {
      password: accounts.admin.password,
      reason: 'not waiting there',
    });
    expect(wrongStep.json().error.code).toBe('not_waiting_for_approval');

    expect((await sign(accounts.admin)).statusCode).toBe(200);
    const run = await runIn(created.id, ['completed', 'failed', 'aborted']);
    expect(run.status).toBe('completed');
    const review = run.steps.find((step: { step_id: string }) => step.step_id === 'review');
    expect(review.outputs).toMatchObject({ signer_id: accounts.admin.id, meaning: 'approved' });
    const verified = (
      await api('GET', `/api/signatures/${review.outputs.signature_id}/verify`, accounts.admin)
    ).json();
    expect(verified).toMatchObject({ signature_valid: true, record_unchanged: true });
    expect((await auditEntriesOf(lab, run.id)).map((entry) => entry.action)).toEqual([
      'run.create',
      'run.running',
      'run.waiting_for_approval',
      'signature.create',
      'run.running',
      'run.completed',
    ]);
  });

  it('aborts the run when an interlock trips mid-ramp: on_abort runs, outputs go to 0 V, the trip is audited', async () => {
    const workflow = await approvedWorkflow(
      definition((d) => {
        d.steps[2].args.ramp_v_per_s = 0.5; // 4 V at 0.5 V/s: eight seconds of ramp
      }),
    );
    const devices = await instruments();
    const created = (await api('POST', '/api/runs', accounts.scientist, { workflow, devices })).json();
    await runIn(created.id, ['running']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const watched = (await api('GET', '/api/safety/interlocks', accounts.scientist)).json();
    expect(watched.find((state: { run_id: string }) => state.run_id === created.id)).toMatchObject({
      role: 'daq',
      lines: { estop: true, door: true },
      tripped: null,
    });
    const trip = await api('POST', `/api/instruments/simulated/${devices.daq}/lines`, accounts.admin, {
      line: 1,
      high: false,
    });
    expect(trip.statusCode).toBe(200);
    const run = await runIn(created.id, ['aborted', 'completed', 'failed']);
    expect(run.status).toBe('aborted');
    expect(run.abort_reason).toBe(`interlock tripped: door line open on device ${devices.daq}`);
    expect(run.steps.map((step: { step_id: string }) => step.step_id)).toContain('abort_zero');
    const lines = (
      await api('POST', `/api/instruments/simulated/${devices.daq}/lines`, accounts.admin, {
        line: 1,
        high: true,
      })
    ).json();
    expect(lines.analog_out_v).toEqual([0, 0, 0, 0]);
    const trips = (await auditEntriesOf(lab, devices.daq)).filter(
      (entry) => entry.action === 'interlock.tripped',
    );
    expect(trips[0]?.after).toMatchObject({ line: 'door line open', run_id: created.id });
  });

  it('takes a run whose server stopped beating as interrupted, and drives its instruments safe', async () => {
    const workflow = await approvedWorkflow(definition());
    const devices = await instruments();
    const created = (await api('POST', '/api/runs', accounts.scientist, { workflow, devices })).json();
    await runIn(created.id, ['waiting_for_approval']);
    // Another instance sweeping now leaves a run whose server is alive alone.
    const peer = createRunSupervisor(lab.ctx, pino({ level: 'silent' }));
    expect(await peer.recoverOrphans(15)).toBe(0);
    // The executing server "dies": its heartbeat stops, an output is left live.
    await asSuperuser(
      lab.db,
      `update workflow_executions set runner_heartbeat_at = now() - interval '1 minute' where id = '${created.id}'`,
    );
    simulatedDaq(devices.daq).analogOut[0] = 3;
    expect(await peer.recoverOrphans(15)).toBe(1);
    await peer.stop();
    const run = (await api('GET', `/api/runs/${created.id}`, accounts.scientist)).json();
    expect(run).toMatchObject({ status: 'interrupted', waiting_step: null, finished_at: null });
    expect(simulatedDaq(devices.daq).analogOut).toEqual([0, 0, 0, 0]);
    expect((await auditEntriesOf(lab, created.id)).map((entry) => entry.action).at(-1)).toBe(
      'run.interrupted',
    );
    // An interrupted run can still be aborted, which frees its devices.
    const aborted = await api('POST', `/api/runs/${created.id}/abort`, accounts.scientist, {
      reason: 'server crashed mid-run',
    });
    expect(aborted.json()).toMatchObject({ status: 'aborted' });
  });

  it('fails a run whose computed argument is out of range, naming the step', async () => {
    const workflow = await approvedWorkflow(
      definition((d) => {
        withoutApproval(d);
        d.steps[2].args.voltage = { expr: 'params.working_voltage * 3.0' };
      }),
    );
    const created = (
      await api('POST', '/api/runs', accounts.scientist, { workflow, devices: await instruments() })
    ).json();
    const run = await runIn(created.id, ['completed', 'failed', 'aborted']);
    expect(run).toMatchObject({
      status: 'failed',
      failed_step: '/steps/2/args/voltage',
      error: 'voltage computed as 15 V, above the maximum 10 V',
    });
  });
});
