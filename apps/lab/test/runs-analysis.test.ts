import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

// A fake analysis service on 127.0.0.1, up before the lab starts (its URL is the lab's config).
let analysed = 0;
const fake = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    analysed += 1;
    response.setHeader('content-type', 'application/json');
    response.end('{"polymorph": "form II", "confidence": 0.91}');
  });
});
await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
const lab = useLabApp({
  USER_RATE_LIMIT_PER_MINUTE: '100000',
  LAB_ANALYSIS_URL: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`,
});
afterAll(() => new Promise((resolve) => fake.close(resolve)));

let admin: TestAccount;
let scientist: TestAccount;
const api = (method: 'GET' | 'POST', url: string, account: TestAccount, payload?: unknown) =>
  lab.app.inject({
    method,
    url,
    headers: bearer(account.token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

beforeAll(async () => {
  admin = await lab.user(['admin']);
  scientist = await lab.user(['scientist']);
});

describe('analyze steps', () => {
  it("send the source step's spectrum to the analysis service and keep its answer as the step's outputs", async () => {
    const document = JSON.parse(
      readFileSync(
        new URL('../src/modules/workflows/demo/crystallization-monitoring.json', import.meta.url),
        'utf8',
      ),
    );
    document.name = 'analysed-run';
    document.steps[1].seconds = 0;
    document.steps.splice(5, 1, { id: 'classify', type: 'analyze', source: 'acquire', critical: true });
    document.steps.splice(6, 0, {
      id: 'form',
      type: 'record',
      result: 'polymorph',
      value: { expr: 'steps.classify.polymorph' },
    });
    await api('POST', '/api/workflows', scientist, { definition: document });
    await api('POST', '/api/workflows/analysed-run/versions/1/submit', scientist, {});
    await api('POST', '/api/workflows/analysed-run/versions/1/approve', admin, {
      password: admin.password,
      reason: 'ok',
    });
    const devices: Record<string, string> = {};
    for (const [role, driver, settings] of [
      ['daq', 'sim-daq', {}],
      ['raman', 'sim-raman', { acquisition_s: 0, growth_acquisitions: 5 }],
    ] as const) {
      const device = (
        await api('POST', '/api/devices', admin, {
          device_id: `AN-${role}`,
          name: role,
          device_type: driver,
          calibration_interval_days: 30,
          driver,
          driver_settings: settings,
        })
      ).json();
      await api('POST', '/api/calibration', admin, { device_id: device.id, result: 'pass' });
      devices[role] = device.id;
    }
    const created = (await api('POST', '/api/runs', scientist, { workflow: 'analysed-run', devices })).json();
    let run = created;
    for (
      let attempt = 0;
      attempt < 200 && !['completed', 'failed', 'aborted'].includes(run.status);
      attempt += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      run = (await api('GET', `/api/runs/${created.id}`, scientist)).json();
    }
    expect(run.status).toBe('completed');
    const outputs = Object.fromEntries(
      run.steps.map((step: { step_id: string; outputs: unknown }) => [step.step_id, step.outputs]),
    );
    expect(outputs.classify).toEqual({ polymorph: 'form II', confidence: 0.91 });
    expect(outputs.form).toEqual({ value: 'form II' });
    expect(analysed).toBe(1);
  });
});
