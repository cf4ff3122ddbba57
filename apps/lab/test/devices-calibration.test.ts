import { sql } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
let admin: TestAccount;
let technician: TestAccount;
let sequence = 0;
const day = 86_400_000;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const api = (method: Method, url: string, token: string, payload?: unknown) =>
  lab.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function newDevice(intervalDays = 30) {
  const response = await api('POST', '/api/devices', admin.token, {
    device_id: `CAL-${Date.now().toString(36)}-${++sequence}`,
    name: 'Balance',
    device_type: 'balance',
    calibration_interval_days: intervalDays,
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; device_id: string };
}

const calibrate = (token: string, body: Record<string, unknown>) =>
  api('POST', '/api/calibration', token, body);
const iso = (ms: number) => new Date(ms).toISOString();
const sameInstant = (a: string | null, b: string) => a !== null && Date.parse(a) === Date.parse(b);

beforeAll(async () => {
  admin = await lab.user(['admin']);
  technician = await lab.user(['technician']);
});

afterEach(() => {
  lab.ctx.now = lab.clock.now;
  lab.clock.set(new Date());
});

describe('calibration entries', () => {
  it('computes next due from the device interval, sets the device status, and audits both', async () => {
    const device = await newDevice(30);
    const performedAt = Date.now() - day;
    const response = await calibrate(technician.token, {
      device_id: device.device_id,
      result: 'pass',
      performed_at: iso(performedAt),
      notes: 'weights class E2',
    });
    expect(response.statusCode).toBe(201);
    const entry = response.json();
    expect(entry).toMatchObject({
      device_id: device.id,
      device_business_id: device.device_id,
      performed_by: technician.id,
      performed_by_email: technician.email,
      result: 'pass',
      next_due_computed: true,
      governs_status: true,
      notes: 'weights class E2',
      certificates: [],
    });
    expect(sameInstant(entry.performed_at, iso(performedAt))).toBe(true);
    expect(sameInstant(entry.next_due_at, iso(performedAt + 30 * day))).toBe(true);
    const status = (await api('GET', `/api/devices/${device.id}`, technician.token)).json();
    expect(status).toMatchObject({
      last_calibration_id: entry.id,
      last_calibration_result: 'pass',
      calibration_state: 'valid',
      usable: true,
    });
    expect(sameInstant(status.next_calibration_due, entry.next_due_at)).toBe(true);
    const given = await calibrate(technician.token, {
      device_id: device.id,
      result: 'pass',
      next_due_at: iso(Date.now() + 7 * day),
    });
    expect(given.json()).toMatchObject({ next_due_computed: false, governs_status: true });
    const { rows: trail } = await sql<{ action: string; entity_id: string; after: Record<string, unknown> }>`
      select action, entity_id, after from audit_entries
      where entity_id in (${entry.id}, ${device.id}) order by seq`.execute(lab.db.kysely);
    expect(trail.map((row) => row.action)).toEqual([
      'device.create',
      'calibration.create',
      'device.calibration_status',
      'device.calibration_status',
    ]);
    expect(trail[1]?.after).toMatchObject({
      result: 'pass',
      device_status_updated: true,
      performed_by: technician.id,
    });
  });

  it('refuses bad entries with a 4xx and a code', async () => {
    const device = await newDevice();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ performed_at: iso(Date.now() + 3_600_000) }, 400, 'performed_in_future'],
      [{ next_due_at: iso(Date.now() - day) }, 400, 'next_due_not_after_performed'],
      [{ result: 'fail', next_due_at: iso(Date.now() + day) }, 400, 'next_due_on_failure'],
      [{ result: 'valid' }, 400, 'validation_failed'],
      [{ performed_at: 'yesterday' }, 400, 'validation_failed'],
      [{ notes: 'x'.repeat(5001) }, 400, 'validation_failed'],
      [{ performed_by: admin.id }, 400, 'validation_failed'],
      [{ device_id: 'NO-SUCH-DEVICE' }, 404, 'device_not_found'],
    ];
    for (const [overrides, status, code] of cases) {
      const response = await calibrate(technician.token, {
        device_id: device.id,
        result: 'pass',
        ...overrides,
      });
      expect(response.statusCode, JSON.stringify(overrides)).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    const scientist = await lab.user(['scientist']);
    expect((await calibrate(scientist.token, { device_id: device.id, result: 'pass' })).statusCode).toBe(403);
  });

  it('never stores a time ahead of the server: a fail right after a fast-clock pass governs', async () => {
    const device = await newDevice(30);
    const ahead = await calibrate(technician.token, {
      device_id: device.id,
      result: 'pass',
      performed_at: iso(lab.clock.now().getTime() + 50_000),
    });
    expect(ahead.statusCode).toBe(201);
    expect(Date.parse(ahead.json().performed_at)).toBeLessThanOrEqual(lab.clock.now().getTime());
    lab.clock.advance(10);
    const failed = await calibrate(technician.token, { device_id: device.id, result: 'fail' });
    expect(failed.json().governs_status).toBe(true);
    const use = await api('POST', `/api/devices/${device.id}/usage`, technician.token, { purpose: 'weigh' });
    expect(use.json().error?.code).toBe('device_not_calibrated');
  });

  it('keeps a back-dated entry without letting it overwrite the newer status', async () => {
    const device = await newDevice(30);
    const recent = (
      await calibrate(technician.token, {
        device_id: device.id,
        result: 'pass',
        performed_at: iso(Date.now() - day),
      })
    ).json();
    const backDated = await calibrate(technician.token, {
      device_id: device.id,
      result: 'fail',
      performed_at: iso(Date.now() - 10 * day),
      notes: 'paper record entered late',
    });
    expect(backDated.statusCode).toBe(201);
    expect(backDated.json().governs_status).toBe(false);
    const status = (await api('GET', `/api/devices/${device.id}`, technician.token)).json();
    expect(status).toMatchObject({
      last_calibration_id: recent.id,
      last_calibration_result: 'pass',
      usable: true,
    });
    expect((await api('GET', `/api/calibration/${recent.id}`, technician.token)).json().governs_status).toBe(
      true,
    );
    const { rows: audit } = await sql<{ action: string; after: Record<string, unknown> }>`
      select action, after from audit_entries where entity_id = ${backDated.json().id}`.execute(
      lab.db.kysely,
    );
    expect(audit).toEqual([expect.objectContaining({ action: 'calibration.create' })]);
    expect(audit[0]?.after.device_status_updated).toBe(false);

    // A newer failure governs; an older pass entered afterwards does not revive the device.
    await calibrate(technician.token, {
      device_id: device.id,
      result: 'fail',
      performed_at: iso(Date.now() - 60_000),
    });
    const olderPass = await calibrate(technician.token, {
      device_id: device.id,
      result: 'pass',
      performed_at: iso(Date.now() - 3_600_000),
    });
    expect(olderPass.json().governs_status).toBe(false);
    const refused = await api('POST', `/api/devices/${device.id}/usage`, technician.token, {
      purpose: 'assay',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'device_not_calibrated',
      details: { calibration_state: 'failed' },
    });
    const history = (
      await api('GET', `/api/calibration?device_id=${device.device_id}`, technician.token)
    ).json();
    expect(history.items).toHaveLength(4);
    const times = history.items.map((item: { performed_at: string }) => Date.parse(item.performed_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('ends with the latest-performed entry governing, whatever order concurrent entries commit in', async () => {
    const device = await newDevice(30);
    const offsets = [5, 1, 9, 3, 7, 2, 8, 4, 6, 10, 0.5, 12];
    const replies = await Promise.all(
      offsets.map((hours, index) =>
        calibrate(technician.token, {
          device_id: device.id,
          result: index % 2 === 0 ? 'pass' : 'fail',
          performed_at: iso(Date.now() - hours * 3_600_000),
        }),
      ),
    );
    expect(replies.map((reply) => reply.statusCode)).toEqual(offsets.map(() => 201));
    const latest = replies[offsets.indexOf(Math.min(...offsets))]?.json();
    const status = (await api('GET', `/api/devices/${device.id}`, technician.token)).json();
    expect(status).toMatchObject({ last_calibration_id: latest.id, last_calibration_result: 'pass' });
    expect(sameInstant(status.last_calibrated_at, latest.performed_at)).toBe(true);
  });

  it('is append-only: no route changes an entry, and the runtime role cannot either', async () => {
    const device = await newDevice();
    const entry = (await calibrate(technician.token, { device_id: device.id, result: 'pass' })).json();
    expect(
      (await api('PATCH', `/api/calibration/${entry.id}`, admin.token, { result: 'fail' })).statusCode,
    ).toBe(404);
    expect((await api('DELETE', `/api/calibration/${entry.id}`, admin.token)).statusCode).toBe(404);
    await expect(
      inLabs(lab.db, [defaultLabId], (tx) =>
        tx.updateTable('calibration_entries').set({ result: 'fail' }).where('id', '=', entry.id).execute(),
      ),
    ).rejects.toThrow();
    await expect(
      inLabs(lab.db, [defaultLabId], (tx) =>
        tx.deleteFrom('calibration_entries').where('id', '=', entry.id).execute(),
      ),
    ).rejects.toThrow();
    const notUuid = await api('GET', '/api/calibration/not-a-uuid', technician.token);
    expect(notUuid.statusCode).toBe(400);
    const unknown = await api(
      'GET',
      '/api/calibration/7d3f2c1e-0000-4000-8000-000000000000',
      technician.token,
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('calibration_not_found');
  });
});

describe('upcoming and overdue', () => {
  /** A fresh token at a moved clock (tokens follow the service clock). */
  async function tokenAt(at: number): Promise<string> {
    lab.clock.set(new Date(at));
    return (await lab.login(technician.email, technician.password)).access_token;
  }
  async function lists(token: string, days: number, deviceId: string) {
    const upcoming = (await api('GET', `/api/calibration/upcoming?days=${days}`, token)).json();
    const overdue = (await api('GET', '/api/calibration/overdue', token)).json();
    const find = (list: { items: { id: string }[] }) => list.items.find((item) => item.id === deviceId);
    return { upcoming, overdue, inUpcoming: find(upcoming), inOverdue: find(overdue) };
  }
  const use = (token: string, deviceId: string) =>
    api('POST', `/api/devices/${deviceId}/usage`, token, { purpose: 'boundary check' });

  it('moves a device from upcoming to overdue exactly when its due time passes', async () => {
    const device = await newDevice(10);
    const due = Date.now() + 10 * day;
    await calibrate(technician.token, { device_id: device.id, result: 'pass', next_due_at: iso(due) });

    let token = await tokenAt(due - day - 1_000);
    let seen = await lists(token, 1, device.id);
    expect(seen.inUpcoming).toBeUndefined();
    expect(seen.inOverdue).toBeUndefined();

    token = await tokenAt(due - day + 1_000);
    seen = await lists(token, 1, device.id);
    expect(seen.inUpcoming).toMatchObject({ calibration_state: 'valid', days_until_due: 0, usable: true });
    expect(seen.inOverdue).toBeUndefined();

    token = await tokenAt(due - 1_000);
    seen = await lists(token, 30, device.id);
    expect(seen.inUpcoming).toBeDefined();
    expect(seen.inOverdue).toBeUndefined();
    expect((await use(token, device.id)).statusCode).toBe(201);

    token = await tokenAt(due + 1_000);
    seen = await lists(token, 30, device.id);
    expect(seen.inUpcoming).toBeUndefined();
    expect(seen.inOverdue).toMatchObject({ calibration_state: 'overdue', days_until_due: -1, usable: false });
    const refused = await use(token, device.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'device_not_calibrated',
      details: { calibration_state: 'overdue' },
    });
  });

  it('counts due exactly now as upcoming (and usable), and one millisecond later as overdue', async () => {
    const device = await newDevice(10);
    const due = Date.now() + 5 * day;
    await calibrate(technician.token, { device_id: device.id, result: 'pass', next_due_at: iso(due) });
    lab.ctx.now = () => new Date(due);
    let token = (await lab.login(technician.email, technician.password)).access_token;
    let seen = await lists(token, 0, device.id);
    expect(seen.inUpcoming).toMatchObject({ days_until_due: 0 });
    expect(seen.inOverdue).toBeUndefined();
    expect((await use(token, device.id)).statusCode).toBe(201);
    lab.ctx.now = () => new Date(due + 1);
    token = (await lab.login(technician.email, technician.password)).access_token;
    seen = await lists(token, 0, device.id);
    expect(seen.inUpcoming).toBeUndefined();
    expect(seen.inOverdue).toMatchObject({ calibration_state: 'overdue' });
    expect((await use(token, device.id)).json().error.code).toBe('device_not_calibrated');
  });

  it('lists failed and never-calibrated devices as overdue, in the same shape as upcoming', async () => {
    const never = await newDevice();
    const failed = await newDevice();
    const fine = await newDevice(10);
    await calibrate(technician.token, { device_id: failed.id, result: 'fail' });
    await calibrate(technician.token, { device_id: fine.id, result: 'pass' });
    const { upcoming, overdue, inOverdue } = await lists(technician.token, 30, failed.id);
    expect(inOverdue).toMatchObject({
      calibration_state: 'failed',
      next_calibration_due: null,
      days_until_due: null,
    });
    const neverItem = overdue.items.find((item: { id: string }) => item.id === never.id);
    expect(neverItem).toMatchObject({ calibration_state: 'never_calibrated', last_calibrated_at: null });
    expect(overdue.items.some((item: { id: string }) => item.id === fine.id)).toBe(false);
    const fineItem = upcoming.items.find((item: { id: string }) => item.id === fine.id);
    expect(fineItem).toMatchObject({ calibration_state: 'valid', days_until_due: 9 });
    expect(Object.keys(upcoming).sort()).toEqual(['as_of', 'count', 'items']);
    expect(Object.keys(overdue).sort()).toEqual(['as_of', 'count', 'items']);
    expect(overdue.count).toBe(overdue.items.length);
    expect(Object.keys(fineItem).sort()).toEqual(Object.keys(inOverdue as object).sort());
    const refused = await use(technician.token, failed.id);
    expect(refused.json().error).toMatchObject({
      code: 'device_not_calibrated',
      details: { calibration_state: 'failed' },
    });
    const bad = await api('GET', '/api/calibration/upcoming?days=-1', technician.token);
    expect(bad.statusCode).toBe(400);
  });
});
