import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { simulatedDaq } from '../src/modules/instruments/index.ts';
import { useRunLab, withoutApproval } from './support/run-fixtures.ts';

// A fake analysis service on 127.0.0.1 that misbehaves as told.
let mode: 'garbage' | 'slow' | 'down' = 'garbage';
const fake = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    if (mode === 'down') {
      response.statusCode = 503;
      response.end('{"error":"model not loaded"}');
    } else if (mode === 'slow') {
      setTimeout(() => response.end('{"polymorph":"form I"}'), 2_000).unref();
    } else {
      response.setHeader('content-type', 'application/json');
      response.end('<html>502 Bad Gateway</html>');
    }
  });
});
await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
const { accounts, api, definition, approvedWorkflow, device, runIn } = useRunLab({
  LAB_ANALYSIS_URL: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`,
  LAB_ANALYSIS_TIMEOUT_MS: '300',
});
afterAll(() => new Promise((resolve) => fake.close(resolve)));

/** Runs a workflow to its end on a DAQ and a Raman with these settings; answers the run. */
async function runToEnd(document: Record<string, unknown>, raman: Record<string, unknown>) {
  const workflow = await approvedWorkflow(document);
  const devices = {
    daq: (await device('sim-daq', {})).id,
    raman: (await device('sim-raman', { acquisition_s: 0, growth_acquisitions: 5, seed: 4, ...raman })).id,
  };
  const created = await api('POST', '/api/runs', accounts.scientist, { workflow, devices });
  expect(created.statusCode).toBe(201);
  return { run: await runIn(created.json().id, ['completed', 'failed', 'aborted']), devices };
}

/** The demo with its approval step replaced by an analysis of the last spectrum. */
const analysed = (critical: boolean) =>
  definition((d) => {
    withoutApproval(d);
    d.steps.splice(5, 0, { id: 'classify', type: 'analyze', source: 'acquire', critical });
  });

describe('faults during a run', () => {
  it('fails the step whose instrument reports an error, naming it, with every output safe', async () => {
    const { run, devices } = await runToEnd(definition(withoutApproval), { fail_after: 2 });
    expect(run.status).toBe('failed');
    expect(run.failed_step).toBe('/steps/3/steps/0');
    expect(run.error).toContain('raman acquire failed: simulated fault: the detector stopped answering');
    expect(simulatedDaq(devices.daq).analogOut).toEqual([0, 0, 0, 0]);
    expect(run.devices.every((bound: { released_at: string | null }) => bound.released_at !== null)).toBe(
      true,
    );
  });

  it('fails the step whose instrument never answers, at its deadline, with every output safe', async () => {
    const document = definition((d) => {
      withoutApproval(d);
      d.steps[3].steps[0].timeout_s = 1;
    });
    const { run, devices } = await runToEnd(document, { fail_after: 1, fail_mode: 'hang' });
    expect(run.status).toBe('failed');
    expect(run.failed_step).toBe('/steps/3/steps/0');
    expect(run.error).toContain('the instrument did not finish within 1 s');
    expect(simulatedDaq(devices.daq).analogOut).toEqual([0, 0, 0, 0]);
  });

  it('fails a critical analysis that answers garbage, and skips a non-critical one that is too slow', async () => {
    mode = 'garbage';
    const garbage = await runToEnd(analysed(true), {});
    expect(garbage.run.status).toBe('failed');
    expect(garbage.run.failed_step).toBe('/steps/5');
    expect(garbage.run.error).toContain('analysis service is unavailable');

    mode = 'slow';
    const slow = await runToEnd(analysed(false), {});
    expect(slow.run.status).toBe('completed');
    const classify = slow.run.steps.find((step: { step_id: string }) => step.step_id === 'classify');
    expect(classify).toMatchObject({ status: 'skipped', outputs: {} });

    mode = 'down';
    const down = await runToEnd(analysed(true), {});
    expect(down.run.status).toBe('failed');
    expect(down.run.failed_step).toBe('/steps/5');
  });
});
