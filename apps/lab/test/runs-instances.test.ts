import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedDaq } from '../src/modules/instruments/index.ts';
import { useRunLab } from './support/run-fixtures.ts';

const { lab, accounts, api, runIn, startedRun } = useRunLab();
let peer: Awaited<ReturnType<typeof lab.peer>>;

beforeAll(async () => {
  peer = await lab.peer();
});
afterAll(async () => {
  await peer?.close();
});

/** A run started on the peer instance: this instance never executes it. */
const runOnPeer = (edit?: Parameters<typeof startedRun>[0]) => startedRun(edit, peer.app);

describe('controlling a run executing on another instance', () => {
  it('pauses, resumes and signs its approval from here; it completes there', async () => {
    // A long ramp, so there is time to pause mid-run.
    const { id } = await runOnPeer((d) => {
      d.steps[1].seconds = 1;
    });
    await runIn(id, ['running']);
    const paused = await api('POST', `/api/runs/${id}/pause`, accounts.scientist, {
      reason: 'check the cell',
    });
    expect(paused.statusCode).toBe(200);
    expect(paused.json().status).toBe('paused');
    const stepsWhenPaused = (await runIn(id, ['paused'])).steps.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // The peer stopped at its next step boundary: at most the step under way finished meanwhile.
    expect((await runIn(id, ['paused'])).steps.length).toBeLessThanOrEqual(stepsWhenPaused + 1);
    const resumed = await api('POST', `/api/runs/${id}/resume`, accounts.scientist, { reason: 'cell fine' });
    expect(resumed.json().status).toBe('running');
    await runIn(id, ['waiting_for_approval']);
    const signed = await api('POST', `/api/runs/${id}/approvals/review`, accounts.admin, {
      password: accounts.admin.password,
      reason: 'peak checked',
    });
    expect(signed.statusCode).toBe(200);
    expect((await runIn(id, ['completed', 'failed', 'aborted'])).status).toBe('completed');
  });

  it('aborts it from here: the executing instance runs on_abort and makes the instruments safe', async () => {
    const { id, devices } = await runOnPeer();
    await runIn(id, ['waiting_for_approval']);
    simulatedDaq(devices.daq).analogOut[1] = 5;
    const aborted = await api('POST', `/api/runs/${id}/abort`, accounts.scientist, { reason: 'wrong batch' });
    expect(aborted.statusCode).toBe(200);
    const run = await runIn(id, ['aborted']);
    expect(run).toMatchObject({ abort_reason: 'wrong batch', aborted_by: accounts.scientist.id });
    expect(run.steps.map((step: { step_id: string }) => step.step_id)).toContain('abort_zero');
    expect(simulatedDaq(devices.daq).analogOut).toEqual([0, 0, 0, 0]);
    // Its devices are free again.
    const devicesOfRun = (await api('GET', `/api/runs/${id}`, accounts.scientist)).json().devices;
    expect(devicesOfRun.every((device: { released_at: string | null }) => device.released_at !== null)).toBe(
      true,
    );
  });
});
