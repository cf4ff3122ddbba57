import { readFileSync } from 'node:fs';
import type { HttpApp } from '@ours/platform/http';
import { beforeAll, expect } from 'vitest';
import { bearer, type TestAccount, useLabApp } from './lab-app.ts';

type Method = 'GET' | 'POST' | 'PUT';
type Definition = ReturnType<typeof JSON.parse>;

const demoPath = new URL('../../src/modules/workflows/demo/crystallization-monitoring.json', import.meta.url);

/** The demo definition's approval step removed (a run then goes to its end unattended). */
export const withoutApproval = (d: Definition) => {
  d.steps.splice(5, 1);
};

/**
 * What run tests build on, through the API of `app()`: an author (scientist) and an approver
 * (admin), approved workflows, calibrated simulated devices, and polling for a run's state.
 */
export function runFixtures(
  app: () => HttpApp,
  accounts: () => { admin: TestAccount; scientist: TestAccount },
) {
  let sequence = 0;
  const api = (method: Method, url: string, account: TestAccount, payload?: unknown) =>
    app().inject({
      method,
      url,
      headers: bearer(account.token),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  /** The demo definition under a fresh name, quick to run, with `edit` applied. */
  const definition = (edit: (d: Definition) => void = () => {}) => {
    const document = JSON.parse(readFileSync(demoPath, 'utf8'));
    document.name = `run-${Date.now().toString(36)}-${++sequence}`;
    document.steps[1].seconds = 0;
    edit(document);
    return document;
  };

  /** An approved workflow (authored by the scientist, approved by the admin); answers its name. */
  const approvedWorkflow = async (document: Record<string, unknown>) => {
    const { admin, scientist } = accounts();
    const created = await api('POST', '/api/workflows', scientist, { definition: document });
    expect(created.statusCode).toBe(201);
    await api('POST', `/api/workflows/${document.name}/versions/1/submit`, scientist, {});
    const approved = await api('POST', `/api/workflows/${document.name}/versions/1/approve`, admin, {
      password: admin.password,
      reason: 'validated',
    });
    expect(approved.statusCode).toBe(200);
    return String(document.name);
  };

  /** A device with a driver, calibrated now (usable), unless `calibrated` is false. */
  const device = async (driver: string, settings: Record<string, unknown>, calibrated = true) => {
    const { admin } = accounts();
    const created = await api('POST', '/api/devices', admin, {
      device_id: `RUN-${Date.now().toString(36)}-${++sequence}`,
      name: driver,
      device_type: driver,
      calibration_interval_days: 365,
      driver,
      driver_settings: settings,
    });
    expect(created.statusCode).toBe(201);
    if (calibrated) {
      const calibration = await api('POST', '/api/calibration', admin, {
        device_id: created.json().id,
        result: 'pass',
      });
      expect(calibration.statusCode).toBe(201);
    }
    return created.json() as { id: string; device_id: string };
  };

  /** A simulated DAQ and Raman spectrometer, quick (no acquisition time), seeded. */
  const instruments = async () => ({
    daq: (await device('sim-daq', {})).id,
    raman: (await device('sim-raman', { acquisition_s: 0, growth_acquisitions: 5, seed: 3 })).id,
  });

  /** Polls a run until it is in one of `statuses` (`seconds` at most). */
  const runIn = async (id: string, statuses: string[], seconds = 20) => {
    const as = accounts().scientist;
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      const run = (await api('GET', `/api/runs/${id}`, as)).json();
      if (statuses.includes(run.status)) return run;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`run ${id} never reached ${statuses.join('/')}`);
  };

  /**
   * A run of a fresh approved workflow (`edit` applied to the demo) on fresh instruments, started
   * through `on` (another instance, say; this app by default).
   */
  const startedRun = async (edit: (d: Definition) => void = () => {}, on: HttpApp = app()) => {
    const workflow = await approvedWorkflow(definition(edit));
    const devices = await instruments();
    const started = await on.inject({
      method: 'POST',
      url: '/api/runs',
      headers: bearer(accounts().scientist.token),
      payload: { workflow, devices },
    });
    expect(started.statusCode).toBe(201);
    return { id: started.json().id as string, workflow, devices };
  };

  /** A new sample (10 mL of solution) registered by the scientist. */
  const newSample = async (prefix = 'XTAL') => {
    const created = await api('POST', '/api/samples', accounts().scientist, {
      sample_id: `${prefix}-${Date.now().toString(36)}-${++sequence}`,
      sample_type: 'solution',
      quantity: 10,
      unit: 'mL',
    });
    expect(created.statusCode).toBe(201);
    return created.json() as { id: string; sample_id: string };
  };

  return {
    api,
    definition,
    approvedWorkflow,
    device,
    instruments,
    runIn,
    startedRun,
    newSample,
    next: () => ++sequence,
  };
}

/**
 * A lab app for run tests (with `env`), an administrator and a scientist (named as given), and the
 * fixtures above on it.
 */
export function useRunLab(
  env: Record<string, string> = {},
  names: { admin?: string; scientist?: string } = {},
) {
  const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000', ...env });
  const accounts = {} as { admin: TestAccount; scientist: TestAccount };
  beforeAll(async () => {
    accounts.admin = await lab.user(['admin'], names.admin ? { full_name: names.admin } : {});
    accounts.scientist = await lab.user(['scientist'], names.scientist ? { full_name: names.scientist } : {});
  });
  return {
    lab,
    accounts,
    ...runFixtures(
      () => lab.app,
      () => accounts,
    ),
  };
}
