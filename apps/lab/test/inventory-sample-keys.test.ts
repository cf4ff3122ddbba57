import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLabId } from '../src/modules/sites/lab-scope.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

// A sample is named the same way everywhere: by its uuid or its business id (issue 9, section 5).
const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
let admin: TestAccount;
let tech: TestAccount;
let both: TestAccount;
let northLabId: string;
let lotId: string;
let sequence = 0;

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
  lab.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });
const code = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++sequence}`;

async function sample(sampleId: string, labId = defaultLabId): Promise<{ id: string; sample_id: string }> {
  const body = { sample_id: sampleId, sample_type: 'plasma', quantity: 1, unit: 'mL', lab_id: labId };
  const created = await api('POST', '/api/samples', admin.token, body);
  expect(created.statusCode, created.body).toBe(201);
  return created.json();
}

const consume = (key: string, token = both.token) =>
  api('POST', `/api/inventory/lots/${lotId}/consume`, token, { quantity: 1, sample_id: key });
const movementsOf = (key: string, token = both.token) =>
  api('GET', `/api/inventory/movements?sample_id=${encodeURIComponent(key)}`, token);

beforeAll(async () => {
  admin = await lab.user(['admin']);
  tech = await lab.user(['technician']);
  both = await lab.user(['technician']);
  northLabId = (
    await api('POST', '/api/admin/labs', admin.token, { code: 'KEYS-NORTH', name: 'North' })
  ).json().id;
  await api('POST', `/api/admin/users/${both.id}/labs`, admin.token, { lab_id: northLabId });
  const item = await api('POST', '/api/inventory/items', tech.token, {
    code: code('ITEM'),
    name: 'Ethanol',
    category: 'reagent',
    unit: 'mL',
  });
  const lot = await api('POST', '/api/inventory/lots', tech.token, {
    item_id: item.json().id,
    lot_number: code('LOT'),
    quantity: 100,
  });
  expect(lot.statusCode, lot.body).toBe(201);
  lotId = lot.json().lot.id;
});

describe('naming a sample by its business id', () => {
  it('records a consumption against it, as device usage does, and filters the ledger by it', async () => {
    const used = await sample(code('S'));
    const consumed = await consume(used.sample_id);
    expect(consumed.statusCode, consumed.body).toBe(200);
    expect(consumed.json().movement.sample_id).toBe(used.id);

    const device = await api('POST', '/api/devices', admin.token, {
      device_id: code('BAL'),
      name: 'Balance',
      device_type: 'balance',
      calibration_interval_days: 30,
      lab_id: defaultLabId,
    });
    expect(device.statusCode, device.body).toBe(201);
    const calibrated = await api('POST', '/api/calibration', tech.token, {
      device_id: device.json().id,
      result: 'pass',
    });
    expect(calibrated.statusCode, calibrated.body).toBe(201);
    const usage = await api('POST', `/api/devices/${device.json().id}/usage`, both.token, {
      purpose: 'weighing',
      sample_id: used.sample_id,
    });
    expect(usage.statusCode, usage.body).toBe(201);
    expect(usage.json().sample_id).toBe(used.id);

    for (const key of [used.sample_id, used.id]) {
      const listed = await movementsOf(key);
      expect(listed.statusCode, listed.body).toBe(200);
      expect(listed.json().items).toEqual([
        expect.objectContaining({ sample_id: used.id, lot_id: lotId, quantity: -1 }),
      ]);
    }
  });

  it('answers 404 sample_not_found when the business id names no live sample of the lot lab', async () => {
    const north = await sample(code('N'), northLabId);
    const deleted = await sample(code('D'));
    const removed = await lab.app.inject({
      method: 'DELETE',
      url: `/api/samples/${deleted.id}`,
      headers: bearer(admin.token),
      payload: { reason: 'registered twice' },
    });
    expect(removed.statusCode, removed.body).toBe(200);
    const stockOf = async () => (await api('GET', `/api/inventory/lots/${lotId}`, tech.token)).json();
    const before = await stockOf();
    const refusals = [
      await consume('NO-SUCH-SAMPLE'),
      // Visible to this caller, but in another lab than the lot's.
      await consume(north.sample_id),
      // Not visible to this caller at all.
      await consume(north.sample_id, tech.token),
      await consume(deleted.sample_id),
      await movementsOf('NO-SUCH-SAMPLE'),
      await movementsOf(north.sample_id, tech.token),
    ];
    for (const refused of refusals) {
      expect(refused.statusCode, refused.body).toBe(404);
      expect(refused.json().error.code).toBe('sample_not_found');
    }
    expect(await stockOf()).toEqual(before);
  });

  it('answers 409 ambiguous_sample when the business id is in several of your labs; the uuid works', async () => {
    const twin = code('TWIN');
    const here = await sample(twin);
    const there = await sample(twin, northLabId);
    for (const refused of [await consume(twin), await movementsOf(twin)]) {
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json().error).toMatchObject({
        code: 'ambiguous_sample',
        details: {
          ids: expect.arrayContaining([
            { id: here.id, lab_id: defaultLabId },
            { id: there.id, lab_id: northLabId },
          ]),
        },
      });
    }
    // A caller of one lab only sees one of them: no ambiguity there.
    expect((await consume(twin, tech.token)).json().movement.sample_id).toBe(here.id);
    expect((await consume(here.id)).json().movement.sample_id).toBe(here.id);
  });
});
