import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { auditEntriesOf } from './support/audit-entries.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
let admin: TestAccount;
let technician: TestAccount;
let scientist: TestAccount;
let sequence = 0;

type Method = 'GET' | 'POST' | 'PATCH';
const api = (method: Method, url: string, token: string, payload?: unknown) =>
  lab.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

const newId = (prefix = 'DEV') => `${prefix}-${Date.now().toString(36)}-${++sequence}`;
const deviceBody = (overrides: Record<string, unknown> = {}) => ({
  device_id: newId(),
  name: 'Raman spectrometer',
  device_type: 'spectrometer',
  vendor: 'Acme',
  model: 'R-100',
  serial_number: 'SN-0001',
  calibration_interval_days: 90,
  ...overrides,
});

const auditFor = (entityId: string) => auditEntriesOf(lab, entityId);

beforeAll(async () => {
  admin = await lab.user(['admin']);
  technician = await lab.user(['technician']);
  scientist = await lab.user(['scientist']);
});

describe('devices: create, get, list', () => {
  it('creates a device (201, audited), then 409 on the same business id, and finds it by uuid or id', async () => {
    const body = deviceBody();
    const created = await api('POST', '/api/devices', admin.token, body);
    expect(created.statusCode).toBe(201);
    const device = created.json();
    expect(device).toMatchObject({
      ...body,
      lab_id: defaultLabId,
      hub_id: null,
      in_service: true,
      health_score: null,
      last_calibration_id: null,
      next_calibration_due: null,
      calibration_state: 'never_calibrated',
      usable: false,
    });
    const again = await api('POST', '/api/devices', admin.token, {
      ...deviceBody(),
      device_id: body.device_id,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('device_exists');
    expect((await api('GET', `/api/devices/${device.id}`, scientist.token)).json().device_id).toBe(
      body.device_id,
    );
    expect((await api('GET', `/api/devices/${body.device_id}`, scientist.token)).json().id).toBe(device.id);
    const missing = await api('GET', '/api/devices/NO-SUCH-DEVICE', scientist.token);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('device_not_found');
    const trail = await auditFor(device.id);
    expect(trail).toEqual([expect.objectContaining({ action: 'device.create', before: null, reason: null })]);
    expect(trail[0]?.after).toMatchObject({ device_id: body.device_id, calibration_interval_days: 90 });
  });

  it('refuses bad input with a 4xx and a code, never a 500', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ health_score: 1.5 }, 400, 'validation_failed'],
      [{ health_score: -0.1 }, 400, 'validation_failed'],
      [{ calibration_interval_days: 0 }, 400, 'validation_failed'],
      [{ calibration_interval_days: 3651 }, 400, 'validation_failed'],
      [{ calibration_interval_days: 1.5 }, 400, 'validation_failed'],
      [{ device_id: '../etc' }, 400, 'validation_failed'],
      [{ name: '   ' }, 400, 'validation_failed'],
      [{ extra: true }, 400, 'validation_failed'],
      [{ hub_id: '7d3f2c1e-0000-4000-8000-000000000000' }, 404, 'hub_not_found'],
      [{ lab_id: '7d3f2c1e-0000-4000-8000-000000000000' }, 403, 'lab_forbidden'],
    ];
    for (const [overrides, status, code] of cases) {
      const response = await api('POST', '/api/devices', admin.token, deviceBody(overrides));
      expect(response.statusCode, JSON.stringify(overrides)).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    const { calibration_interval_days: _omitted, ...withoutInterval } = deviceBody();
    expect((await api('POST', '/api/devices', admin.token, withoutInterval)).statusCode).toBe(400);
  });

  it('lets only devices:manage holders create or change devices', async () => {
    expect((await api('POST', '/api/devices', technician.token, deviceBody())).statusCode).toBe(403);
    expect((await api('POST', '/api/devices', scientist.token, deviceBody())).statusCode).toBe(403);
  });

  it('places a device on a hub of its lab, and lists with filters and keyset pages', async () => {
    const hub = await api('POST', '/api/sites/hubs', admin.token, { name: `gateway-${newId()}` });
    expect(hub.statusCode).toBe(201);
    const type = `balance-${newId()}`;
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const created = await api(
        'POST',
        '/api/devices',
        admin.token,
        deviceBody({
          device_type: type,
          hub_id: index < 3 ? hub.json().id : undefined,
          in_service: index !== 4,
        }),
      );
      expect(created.statusCode).toBe(201);
      ids.push(created.json().id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/devices?device_type=${type}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await api('GET', query, scientist.token)).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item: { id: string }) => item.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const onHub = (await api('GET', `/api/devices?hub_id=${hub.json().id}`, scientist.token)).json();
    expect(onHub.items).toHaveLength(3);
    const retired = (
      await api('GET', `/api/devices?device_type=${type}&in_service=false`, scientist.token)
    ).json();
    expect(retired.items.map((item: { id: string }) => item.id)).toEqual([ids[4]]);
    const never = await api(
      'GET',
      `/api/devices?device_type=${type}&calibration_state=never_calibrated`,
      admin.token,
    );
    expect(never.json().items).toHaveLength(5);
    const bad = await api('GET', '/api/devices?cursor=not-a-cursor', scientist.token);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_cursor');
  });
});

describe('devices: update with a reason', () => {
  it('changes fields, requires a reason, keeps the calibration status read-only, and audits the diff', async () => {
    const device = (await api('POST', '/api/devices', admin.token, deviceBody())).json();
    const noReason = await api('PATCH', `/api/devices/${device.id}`, admin.token, { name: 'x' });
    expect(noReason.statusCode).toBe(400);
    const onlyReason = await api('PATCH', `/api/devices/${device.id}`, admin.token, { reason: 'nothing' });
    expect(onlyReason.statusCode).toBe(400);
    const statusEdit = await api('PATCH', `/api/devices/${device.id}`, admin.token, {
      next_calibration_due: '2099-01-01T00:00:00Z',
      reason: 'sneaky',
    });
    expect(statusEdit.statusCode).toBe(400);
    const badScore = await api('PATCH', `/api/devices/${device.id}`, admin.token, {
      health_score: 2,
      reason: 'sensor',
    });
    expect(badScore.statusCode).toBe(400);
    const changed = await api('PATCH', `/api/devices/${device.id}`, admin.token, {
      in_service: false,
      health_score: 0.42,
      name: 'Raman (bench 2)',
      reason: 'laser alignment drifting',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ in_service: false, health_score: 0.42, name: 'Raman (bench 2)' });
    const trail = await auditFor(device.id);
    expect(trail.at(-1)).toEqual({
      action: 'device.update',
      before: { in_service: true, health_score: null, name: 'Raman spectrometer' },
      after: { in_service: false, health_score: 0.42, name: 'Raman (bench 2)' },
      reason: 'laser alignment drifting',
    });
    const forbidden = await api('PATCH', `/api/devices/${device.id}`, technician.token, {
      in_service: true,
      reason: 'x',
    });
    expect(forbidden.statusCode).toBe(403);
  });
});

describe('devices: usage logbook', () => {
  it('refuses a device that was never calibrated or is out of service, and writes nothing', async () => {
    const device = (await api('POST', '/api/devices', admin.token, deviceBody())).json();
    const never = await api('POST', `/api/devices/${device.id}/usage`, technician.token, {
      purpose: 'run 1',
    });
    expect(never.statusCode).toBe(409);
    expect(never.json().error).toMatchObject({
      code: 'device_not_calibrated',
      details: { calibration_state: 'never_calibrated' },
    });
    await api('POST', '/api/calibration', technician.token, { device_id: device.id, result: 'pass' });
    await api('PATCH', `/api/devices/${device.id}`, admin.token, { in_service: false, reason: 'repair' });
    const out = await api('POST', `/api/devices/${device.id}/usage`, technician.token, { purpose: 'run 1' });
    expect(out.statusCode).toBe(409);
    expect(out.json().error.code).toBe('device_out_of_service');
    const log = (await api('GET', `/api/devices/${device.id}/usage`, technician.token)).json();
    expect(log.items).toEqual([]);
  });

  it('records who used a calibrated device, when and why, with the sample, and audits it', async () => {
    const device = (await api('POST', '/api/devices', admin.token, deviceBody())).json();
    await api('POST', '/api/calibration', technician.token, { device_id: device.device_id, result: 'pass' });
    const sample = await api('POST', '/api/samples', scientist.token, {
      sample_id: newId('S'),
      sample_type: 'plasma',
      quantity: 1,
      unit: 'mL',
    });
    const used = await api('POST', `/api/devices/${device.device_id}/usage`, scientist.token, {
      purpose: 'polymorph screen',
      sample_id: sample.json().sample_id,
      run_ref: 'RUN-7',
    });
    expect(used.statusCode).toBe(201);
    expect(used.json()).toMatchObject({
      device_id: device.id,
      used_by: scientist.id,
      used_by_email: scientist.email,
      purpose: 'polymorph screen',
      sample_id: sample.json().id,
      run_ref: 'RUN-7',
    });
    const unknownSample = await api('POST', `/api/devices/${device.id}/usage`, scientist.token, {
      purpose: 'x',
      sample_id: 'NO-SUCH-SAMPLE',
    });
    expect(unknownSample.statusCode).toBe(404);
    const log = (await api('GET', `/api/devices/${device.id}/usage`, technician.token)).json();
    expect(log.items).toHaveLength(1);
    expect((await auditFor(device.id)).at(-1)).toMatchObject({
      action: 'device.use',
      after: { purpose: 'polymorph screen', used_by: scientist.id },
    });
    const logbookEdit = inLabs(lab.db, [defaultLabId], (tx) =>
      tx.updateTable('device_usage').set({ purpose: 'edited' }).where('device_id', '=', device.id).execute(),
    );
    await expect(logbookEdit).rejects.toThrow();
  });
});

describe('lab isolation', () => {
  it("shows another lab's devices as 404 and keeps them out of lists, calibration and usage", async () => {
    const created = await api('POST', '/api/admin/labs', admin.token, {
      code: `N${sequence}`,
      name: 'North',
    });
    expect(created.statusCode).toBe(201);
    const northLab = created.json().id;
    const north = await lab.user(['admin']);
    await api('POST', `/api/admin/users/${north.id}/labs`, admin.token, {
      lab_id: northLab,
      reason: 'moved',
    });
    await lab.app.inject({
      method: 'DELETE',
      url: `/api/admin/users/${north.id}/labs/${defaultLabId}`,
      headers: bearer(admin.token),
      payload: { reason: 'moved' },
    });
    const theirs = await api('POST', '/api/devices', north.token, deviceBody());
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().lab_id).toBe(northLab);
    const mainUser = await lab.user(['admin']);
    const id = theirs.json().id;
    expect((await api('GET', `/api/devices/${id}`, mainUser.token)).statusCode).toBe(404);
    expect((await api('GET', `/api/devices/${theirs.json().device_id}`, mainUser.token)).statusCode).toBe(
      404,
    );
    const patch = await api('PATCH', `/api/devices/${id}`, mainUser.token, { name: 'x', reason: 'x' });
    expect(patch.statusCode).toBe(404);
    const calibrate = await api('POST', '/api/calibration', mainUser.token, {
      device_id: id,
      result: 'pass',
    });
    expect(calibrate.statusCode).toBe(404);
    expect((await api('POST', `/api/devices/${id}/usage`, mainUser.token, { purpose: 'x' })).statusCode).toBe(
      404,
    );
    const listed = (await api('GET', `/api/devices?lab_id=${northLab}`, mainUser.token)).json();
    expect(listed.items).toEqual([]);
    const northHub = await api('POST', '/api/sites/hubs', north.token, { name: 'north-gw' });
    const foreignHub = await api(
      'POST',
      '/api/devices',
      mainUser.token,
      deviceBody({ hub_id: northHub.json().id }),
    );
    expect(foreignHub.statusCode).toBe(404);
    expect(foreignHub.json().error.code).toBe('hub_not_found');
  });
});
