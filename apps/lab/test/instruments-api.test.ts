import { beforeAll, describe, expect, it } from 'vitest';
import { auditEntriesOf } from './support/audit-entries.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
let admin: TestAccount;
let scientist: TestAccount;
let sequence = 0;

type Method = 'GET' | 'POST' | 'PATCH';
const api = (method: Method, url: string, account: TestAccount, payload?: unknown) =>
  lab.app.inject({
    method,
    url,
    headers: bearer(account.token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

const newDevice = (overrides: Record<string, unknown>) =>
  api('POST', '/api/devices', admin, {
    device_id: `SIM-${Date.now().toString(36)}-${++sequence}`,
    name: 'Simulated instrument',
    device_type: 'simulator',
    calibration_interval_days: 365,
    ...overrides,
  });

beforeAll(async () => {
  admin = await lab.user(['admin']);
  scientist = await lab.user(['scientist']);
});

describe('instrument drivers', () => {
  it('lists each driver with its kind, actions and argument ranges, settings schema and safe state', async () => {
    const listed = (await api('GET', '/api/instruments/drivers', scientist)).json();
    expect(listed.map((driver: { name: string }) => driver.name)).toEqual(['sim-daq', 'sim-raman']);
    expect(listed[0]).toMatchObject({
      kind: 'daq',
      simulated: true,
      safe_state: 'every analog output at 0 V, every digital output off',
      actions: { set_voltage: { args: { voltage: { minimum: -10, maximum: 10, unit: 'V' } } } },
      settings_schema: { type: 'object' },
    });
  });

  it('gives a device a driver with settings checked against it, audited with the device', async () => {
    const created = await newDevice({ driver: 'sim-raman', driver_settings: { seed: 4, peak_nm: 785 } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ driver: 'sim-raman', driver_settings: { seed: 4, peak_nm: 785 } });

    const bad = await newDevice({ driver: 'sim-raman', driver_settings: { peak_nm: 2000 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'invalid_driver_settings',
      details: ['driver_settings/peak_nm must be <= 1000'],
    });
    const unknown = await newDevice({ driver: 'sim-laser' });
    expect(unknown.json().error.code).toBe('unknown_driver');
    const orphan = await newDevice({ driver_settings: { seed: 1 } });
    expect(orphan.json().error.code).toBe('invalid_driver_settings');

    const id = created.json().id;
    const changed = await api('PATCH', `/api/devices/${id}`, admin, {
      driver_settings: { seed: 5 },
      reason: 'new seed for the validation runs',
    });
    expect(changed.json()).toMatchObject({ driver: 'sim-raman', driver_settings: { seed: 5 } });
    const refused = await api('PATCH', `/api/devices/${id}`, admin, {
      driver: 'sim-daq',
      driver_settings: { peak_nm: 500 },
      reason: 'wrong settings for the new driver',
    });
    expect(refused.json().error.code).toBe('invalid_driver_settings');
    const dropped = await api('PATCH', `/api/devices/${id}`, admin, {
      driver: null,
      reason: 'retired from runs',
    });
    expect(dropped.json()).toMatchObject({ driver: null, driver_settings: {} });

    const entries = await auditEntriesOf(lab, id);
    expect(entries.map((entry) => entry.action)).toEqual(['device.create', 'device.update', 'device.update']);
    expect(entries[1]?.after).toEqual({ driver_settings: { seed: 5 } });
  });

  it('lets an administrator set a simulated DAQ input line, and refuses it for other devices', async () => {
    const daq = (await newDevice({ driver: 'sim-daq' })).json();
    const tripped = await api('POST', `/api/instruments/simulated/${daq.device_id}/lines`, admin, {
      line: 0,
      high: false,
    });
    expect(tripped.statusCode).toBe(200);
    expect(tripped.json().lines.slice(0, 2)).toEqual([false, true]);
    const raman = (await newDevice({ driver: 'sim-raman' })).json();
    const refused = await api('POST', `/api/instruments/simulated/${raman.id}/lines`, admin, {
      line: 0,
      high: false,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('not_simulated');
    const forbidden = await api('POST', `/api/instruments/simulated/${daq.id}/lines`, scientist, {
      line: 0,
      high: true,
    });
    expect(forbidden.statusCode).toBe(403);
  });
});
