import { describe, expect, it } from 'vitest';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });

const api = (method: 'GET' | 'POST', url: string, account: TestAccount, payload?: object) =>
  lab.app.inject({ method, url, headers: bearer(account.token), ...(payload ? { payload } : {}) });

/** Polls a run (it executes in this process) until it is in one of `statuses`. */
async function runIn(id: string, account: TestAccount, statuses: string[]) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const run = (await api('GET', `/api/runs/${id}`, account)).json();
    if (statuses.includes(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${id} never reached ${statuses.join('/')}`);
}

describe('the demo workflow, as the README runs it', () => {
  it('runs at once after seeding: to its approval step, signed by an administrator, to completion', {
    timeout: 120_000,
  }, async () => {
    const admin = await lab.user(['admin']);
    const seeded = await api('POST', '/api/admin/demo-data', admin);
    expect(seeded.statusCode, seeded.body).toBe(201);
    const { workflow } = seeded.json();

    // Someone who joined after the seeding, with the ordinary right to run workflows.
    const scientist = await lab.user(['scientist']);
    const listed = (await api('GET', '/api/workflows', scientist)).json();
    expect(listed.items).toEqual([
      expect.objectContaining({ name: 'crystallization-monitoring', lab_id: expect.any(String) }),
    ]);
    // Shorter than the defaults (a faster ramp, a lower peak to wait for), not a changed definition.
    const created = await api('POST', '/api/runs', scientist, {
      workflow: workflow.name,
      devices: workflow.devices,
      parameters: { ramp_rate: 10, peak_threshold: 1000 },
      reason: 'demo run',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;

    const waiting = await runIn(id, scientist, ['waiting_for_approval', 'completed', 'failed', 'aborted']);
    expect(waiting).toMatchObject({ status: 'waiting_for_approval', waiting_step: 'review' });
    const signed = await api('POST', `/api/runs/${id}/approvals/review`, admin, {
      password: admin.password,
      reason: 'spectrum and peak checked',
    });
    expect(signed.statusCode, signed.body).toBe(200);

    const run = await runIn(id, scientist, ['completed', 'failed', 'aborted']);
    expect(run).toMatchObject({ status: 'completed', error: null, workflow: workflow.name, version: 1 });
    const steps = run.steps.map((step: { step_id: string }) => step.step_id);
    expect(steps.slice(0, 3)).toEqual(['bias', 'settle', 'ramp']);
    expect(steps).toContain('record_peak');
    expect(steps.slice(-2)).toEqual(['review', 'zero']);
    const byId = (stepId: string) => run.steps.find((step: { step_id: string }) => step.step_id === stepId);
    expect(byId('monitor').outputs).toMatchObject({ ended_by: 'until' });
    // The simulated Raman's crystal peak forms where its settings put it (620 nm).
    expect(byId('record_peak').outputs.value).toBeCloseTo(620, -1);
    expect(byId('review').outputs).toMatchObject({ signer_id: admin.id });

    const csv = await api('GET', `/api/runs/${id}/data?step=acquire&max_points=16&format=csv`, scientist);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...points] = csv.body.trim().split('\n');
    expect(header).toBe('frame,step_id,captured_at,index,wavelength_nm,value,unit');
    expect(points.length).toBeGreaterThanOrEqual(16);
  });
});
