import { addDays } from '@ours/platform/time';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { labToday } from '../src/modules/shared/lab-calendar.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

// Hostile input across the lab-record routes (samples, inventory, devices, calibration): every
// malformed request is a 4xx with an error code, never a 500, and writes nothing.
const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
let admin: TestAccount;
let sequence = 0;
const fixture = { sample: '', sampleId: '', item: '', lot: '', device: '', calibration: '' };

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
/** A request: a JSON value sent as JSON, or raw text (for what JSON.stringify cannot write). */
interface Attempt {
  method: Method;
  url: string;
  body?: unknown;
  raw?: string;
  contentType?: string;
}

const nextCode = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++sequence}`;
const today = () => labToday(lab.clock.now());
const huge = 'x'.repeat(200_000);
const badUuid = '0e8f6a3c-1111-4222-8333-44445555666';

function send(attempt: Attempt, token = admin.token) {
  const hasRaw = attempt.raw !== undefined;
  return lab.app.inject({
    method: attempt.method,
    url: attempt.url,
    headers: {
      ...bearer(token),
      ...(hasRaw || attempt.contentType ? { 'content-type': attempt.contentType ?? 'application/json' } : {}),
    },
    ...(hasRaw
      ? { payload: attempt.raw }
      : attempt.body === undefined
        ? {}
        : { payload: attempt.body as object }),
  });
}

/** Sends every attempt and collects those not answered with a 4xx carrying an error code. */
async function misanswered(attempts: Attempt[]): Promise<string[]> {
  const wrong: string[] = [];
  for (const attempt of attempts) {
    const response = await send(attempt);
    let code: unknown;
    try {
      code = response.json().error?.code;
    } catch {
      code = undefined;
    }
    const ok =
      response.statusCode >= 400 && response.statusCode < 500 && typeof code === 'string' && code !== '';
    if (!ok) {
      const shown = attempt.raw ?? JSON.stringify(attempt.body) ?? '';
      wrong.push(
        `${attempt.method} ${attempt.url.slice(0, 120)} ${shown.slice(0, 120)} -> ${response.statusCode} ${String(code)}`,
      );
    }
  }
  return wrong;
}

/** Row counts of every lab-record table plus the audit trail: a refused request must change none. */
async function footprint() {
  const { rows } = await sql<Record<string, number>>`
    select (select count(*) from samples) as samples,
      (select count(*) from sample_lineage) as lineage,
      (select coalesce(sum(quantity), 0) from samples) as sample_quantity,
      (select count(*) from inventory_items) as items,
      (select count(*) from inventory_vendors) as vendors,
      (select count(*) from inventory_lots) as lots,
      (select count(*) from inventory_movements) as movements,
      (select count(*) from devices) as devices,
      (select count(*) from calibration_entries) as calibrations,
      (select count(*) from device_usage) as usage,
      (select count(*) from audit_entries) as audit`.execute(lab.db.kysely);
  return rows[0];
}

const sampleBody = (overrides: Record<string, unknown> = {}) => ({
  sample_id: nextCode('HS'),
  sample_type: 'plasma',
  quantity: 10,
  unit: 'mL',
  ...overrides,
});
const itemBody = (overrides: Record<string, unknown> = {}) => ({
  code: nextCode('HI'),
  name: 'Buffer',
  category: 'reagent',
  unit: 'mL',
  ...overrides,
});
const deviceBody = (overrides: Record<string, unknown> = {}) => ({
  device_id: nextCode('HD'),
  name: 'Pipette',
  device_type: 'pipette',
  calibration_interval_days: 90,
  ...overrides,
});

/** A JSON body with `field` spelled as raw JSON text (1e400, deep nesting, ...). */
const rawWith = (body: Record<string, unknown>, field: string, rawValue: string) =>
  JSON.stringify({ ...body, [field]: '@@RAW@@' }).replace('"@@RAW@@"', rawValue);

beforeAll(async () => {
  admin = await lab.user(['admin']);
  const sample = (await send({ method: 'POST', url: '/api/samples', body: sampleBody() })).json();
  fixture.sample = sample.id;
  fixture.sampleId = sample.sample_id;
  fixture.item = (await send({ method: 'POST', url: '/api/inventory/items', body: itemBody() })).json().id;
  fixture.lot = (
    await send({
      method: 'POST',
      url: '/api/inventory/lots',
      body: { item_id: fixture.item, lot_number: nextCode('HL'), quantity: 100 },
    })
  ).json().lot.id;
  fixture.device = (await send({ method: 'POST', url: '/api/devices', body: deviceBody() })).json().id;
  fixture.calibration = (
    await send({
      method: 'POST',
      url: '/api/calibration',
      body: { device_id: fixture.device, result: 'pass' },
    })
  ).json().id;
});

describe('samples: hostile input', () => {
  it('refuses wrong types, huge strings, NUL bytes, bad ids and quantities on create, each with a code', async () => {
    const before = await footprint();
    const body = sampleBody();
    const attempts: Attempt[] = [
      ...[
        { sample_id: 123 },
        { sample_id: null },
        { sample_id: 'has space' },
        { sample_id: '../../etc/passwd' },
        { sample_id: 'Ｓ-FULLWIDTH' },
        { sample_id: 'A'.repeat(101) },
        { sample_id: 'NUL\u0000BYTE' },
        { sample_type: huge },
        { sample_type: '' },
        { sample_type: ['plasma'] },
        { sample_type: 'plas\u0000ma' },
        { quantity: '10' },
        { quantity: true },
        { quantity: null },
        { quantity: [] },
        { quantity: {} },
        { quantity: -1 },
        { quantity: -0.000001 },
        { quantity: 1e13 },
        { unit: 'x'.repeat(21) },
        { unit: '' },
        { status: 'consumed' },
        { status: 'RECEIVED' },
        { container_id: 'not-a-uuid' },
        { project_id: badUuid },
        { batch_id: 42 },
        { lab_id: "'; drop table samples; --" },
        { metadata: 'a string' },
        { metadata: [1, 2] },
        { metadata: { big: 'x'.repeat(20_000) } },
        { parents: [] },
        { parents: ['P', 'P'] },
        { parents: Array.from({ length: 51 }, (_, index) => `P-${index}`) },
        { relation: 'aliquot' },
        { unknown_field: true },
        { created_by: admin.id },
        { id: '00000000-0000-4000-8000-000000000001' },
      ].map((override) => ({ method: 'POST' as const, url: '/api/samples', body: { ...body, ...override } })),
      { method: 'POST', url: '/api/samples', raw: rawWith(body, 'quantity', '1e400') },
      { method: 'POST', url: '/api/samples', raw: rawWith(body, 'quantity', '-1e400') },
      { method: 'POST', url: '/api/samples', raw: rawWith(body, 'quantity', 'NaN') },
      { method: 'POST', url: '/api/samples', raw: rawWith(body, 'quantity', 'Infinity') },
      { method: 'POST', url: '/api/samples', raw: '{"sample_id": "A", ' },
      { method: 'POST', url: '/api/samples', raw: '' },
      { method: 'POST', url: '/api/samples', raw: 'null' },
      { method: 'POST', url: '/api/samples', raw: '"a string"' },
      { method: 'POST', url: '/api/samples', raw: '[]' },
      { method: 'POST', url: '/api/samples', raw: `{"__proto__": {"admin": true}, "sample_id": "PROTO-1"}` },
      { method: 'POST', url: '/api/samples', raw: JSON.stringify(body), contentType: 'text/plain' },
      { method: 'POST', url: '/api/samples', raw: JSON.stringify(body), contentType: 'application/xml' },
      { method: 'POST', url: '/api/samples/bulk', body: body },
      { method: 'POST', url: '/api/samples/bulk', body: [body, 'not an object'] },
      { method: 'POST', url: '/api/samples/bulk', body: [] },
    ];
    expect(await misanswered(attempts)).toEqual([]);
    expect(await footprint()).toEqual(before);
  });

  it('refuses hostile ids, queries and bodies on read, change, split and delete', async () => {
    const before = await footprint();
    const at = `/api/samples/${fixture.sample}`;
    const attempts: Attempt[] = [
      { method: 'GET', url: '/api/samples/NUL%00BYTE' },
      { method: 'GET', url: `/api/samples/${badUuid}` },
      { method: 'GET', url: `${at}?depth=21` },
      { method: 'GET', url: `${at}?depth=-1` },
      { method: 'GET', url: `${at}?depth=1.5` },
      { method: 'GET', url: `${at}?depth=abc` },
      { method: 'GET', url: `${at}?depth=1&extra=1` },
      { method: 'GET', url: '/api/samples?limit=0' },
      { method: 'GET', url: '/api/samples?limit=101' },
      { method: 'GET', url: '/api/samples?limit=NaN' },
      { method: 'GET', url: '/api/samples?limit=Infinity' },
      { method: 'GET', url: '/api/samples?cursor=%00' },
      {
        method: 'GET',
        url: `/api/samples?cursor=${Buffer.from('2026-02-30T00:00:00Z|00000000-0000-4000-8000-000000000001').toString('base64url')}`,
      },
      { method: 'GET', url: '/api/samples?q=NUL%00' },
      { method: 'GET', url: `/api/samples?q=${'q'.repeat(101)}` },
      { method: 'GET', url: '/api/samples?created_from=yesterday' },
      { method: 'GET', url: '/api/samples?created_from=2025-02-30T00:00:00Z' },
      { method: 'GET', url: '/api/samples?created_to=0001-01-01T00:00:00Z' },
      { method: 'GET', url: '/api/samples?include_deleted=maybe' },
      { method: 'GET', url: '/api/samples?project_id=not-a-uuid' },
      { method: 'GET', url: '/api/samples?status=lost' },
      { method: 'GET', url: '/api/samples?sort=sample_id' },
      ...[
        { reason: 'only a reason' },
        { quantity: 4 },
        { quantity: -4, reason: 'x' },
        { quantity: '4', reason: 'x' },
        { status: 'lost', reason: 'x' },
        { status: 'in_storage', reason: '' },
        { status: 'in_storage', reason: 'r'.repeat(1001) },
        { status: 'in_storage', reason: 'nul\u0000reason' },
        { sample_type: huge, reason: 'x' },
        { container_id: 'x', reason: 'x' },
        { metadata: null, reason: 'x' },
        { sample_id: 'RENAMED', reason: 'x' },
        { deleted_at: null, reason: 'x' },
      ].map((body) => ({ method: 'PATCH' as const, url: at, body })),
      { method: 'PATCH', url: at, raw: '{"quantity": 1e400, "reason": "x"}' },
      ...[
        {},
        { children: [] },
        { children: {} },
        { children: [{ quantity: 0 }] },
        { children: [{ quantity: -1 }] },
        { children: [{ quantity: '1' }] },
        { children: [{ quantity: 1, sample_id: 'bad id' }] },
        { children: [{ quantity: 1, extra: true }] },
        { children: Array.from({ length: 101 }, () => ({ quantity: 0.01 })) },
        { children: [{ quantity: 1 }], relation: 'twin' },
        { children: [{ quantity: 1 }], reason: '' },
      ].map((body) => ({ method: 'POST' as const, url: `${at}/split`, body })),
      { method: 'POST', url: `${at}/split`, raw: '{"children": [{"quantity": 1e400}]}' },
      { method: 'POST', url: `${at}/assign-workflow`, body: { workflow_execution_id: 'not-a-uuid' } },
      { method: 'POST', url: `${at}/assign-workflow`, body: {} },
      { method: 'DELETE', url: at },
      { method: 'DELETE', url: at, body: {} },
      { method: 'DELETE', url: at, body: { reason: 7 } },
      { method: 'DELETE', url: '/api/samples/NUL%00BYTE', body: { reason: 'x' } },
    ];
    expect(await misanswered(attempts)).toEqual([]);
    expect(await footprint()).toEqual(before);
    const unchanged = (await send({ method: 'GET', url: at })).json();
    expect(unchanged).toMatchObject({ quantity: 10, status: 'received', deleted_at: null });
  });

  it('keeps the sample it refused everything for unchanged, and answers ok for the edge values it accepts', async () => {
    // The accepted extremes: the longest business id, a zero and the largest quantity, 100-character
    // text. These must succeed (201), so the refusals above are about the input, not the route.
    const longest = sampleBody({
      sample_id: `Z${'9'.repeat(99)}`,
      quantity: 1e9,
      sample_type: 't'.repeat(100),
    });
    const created = await send({ method: 'POST', url: '/api/samples', body: longest });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ quantity: 1e9, sample_id: longest.sample_id });
    const byId = await send({ method: 'GET', url: `/api/samples/${longest.sample_id}` });
    expect(byId.statusCode).toBe(200);
    const zero = await send({ method: 'POST', url: '/api/samples', body: sampleBody({ quantity: 0 }) });
    expect(zero.statusCode).toBe(201);
  });
});

describe('inventory: hostile input', () => {
  it('refuses wrong types, bad ids, hostile quantities and dates on every stock route, writing nothing', async () => {
    const before = await footprint();
    const lots = '/api/inventory/lots';
    const lot = `${lots}/${fixture.lot}`;
    const receipt = { item_id: fixture.item, lot_number: nextCode('HL'), quantity: 5 };
    const attempts: Attempt[] = [
      ...[
        { code: 'bad code' },
        { code: 7 },
        { name: huge },
        { name: '' },
        { category: ['reagent'] },
        { unit: 'u'.repeat(21) },
        { location: 'l'.repeat(201) },
        { reorder_point: -1 },
        { reorder_point: '5' },
        { reorder_point: 10, min_stock: 50 },
        { reorder_point: 1e-7 },
        { current_stock: 1000 },
        { lab_id: 'lab' },
        { lab_id: badUuid },
        { name: 'nul\u0000name' },
      ].map((override) => ({
        method: 'POST' as const,
        url: '/api/inventory/items',
        body: itemBody(override),
      })),
      { method: 'POST', url: '/api/inventory/items', raw: rawWith(itemBody(), 'reorder_point', '1e400') },
      ...[
        { code: 'bad code', name: 'V' },
        { code: nextCode('HV'), name: 'V', contact_info: ['phone'] },
        { code: nextCode('HV'), name: 'V', contact_info: { notes: 'n'.repeat(5000) } },
        { code: nextCode('HV'), name: 'V', rating: 5 },
      ].map((body) => ({ method: 'POST' as const, url: '/api/inventory/vendors', body })),
      { method: 'GET', url: '/api/inventory/items/not-a-uuid' },
      { method: 'GET', url: '/api/inventory/items?low_stock=perhaps' },
      { method: 'GET', url: '/api/inventory/items?limit=-5' },
      {
        method: 'PATCH',
        url: `/api/inventory/items/${fixture.item}`,
        body: { current_stock: 5, reason: 'x' },
      },
      { method: 'PATCH', url: `/api/inventory/items/${fixture.item}`, body: { name: 'only name' } },
      { method: 'PATCH', url: `/api/inventory/items/${fixture.item}`, body: { reason: 'only reason' } },
      { method: 'PATCH', url: `/api/inventory/items/${fixture.item}`, body: { min_stock: 5, reason: 'x' } },
      ...[
        { item_id: 'not-a-uuid' },
        { item_id: '7d3f2c1e-0000-4000-8000-000000000000' },
        { lot_number: '../lot' },
        { lot_number: '' },
        { quantity: 0 },
        { quantity: -0 },
        { quantity: -3 },
        { quantity: '5' },
        { quantity: null },
        { quantity: 1e-7 },
        { quantity: 1.0000001 },
        { quantity: 1e13 },
        { expiry_date: '2030-02-30' },
        { expiry_date: '2030-13-01' },
        { expiry_date: '20300101' },
        { expiry_date: '2030-01-01T00:00:00Z' },
        { expiry_date: '+10000-01-01' },
        { expiry_date: '0000-01-01' },
        { expiry_date: 20300101 },
        { vendor_id: 'not-a-uuid' },
        { vendor_id: '7d3f2c1e-0000-4000-8000-000000000000' },
        { reason: '' },
        { status: 'active' },
      ].map((override) => ({ method: 'POST' as const, url: lots, body: { ...receipt, ...override } })),
      { method: 'POST', url: lots, raw: rawWith(receipt, 'quantity', '1e400') },
      { method: 'POST', url: lots, raw: rawWith(receipt, 'quantity', '-1e400') },
      { method: 'POST', url: lots, raw: rawWith(receipt, 'quantity', '1e-400') },
      ...[
        {},
        { quantity: 0 },
        { quantity: -1 },
        { quantity: 'all' },
        { quantity: 1e-7 },
        { quantity: 1000 },
        { quantity: 1, sample_id: 'not-a-uuid' },
        { quantity: 1, sample_id: '7d3f2c1e-0000-4000-8000-000000000000' },
        { quantity: 1, run_ref: '' },
        { quantity: 1, run_ref: 'r'.repeat(201) },
        { quantity: 1, reason: 'r'.repeat(1001) },
        { quantity: 1, lot_id: fixture.lot },
      ].map((body) => ({ method: 'POST' as const, url: `${lot}/consume`, body })),
      { method: 'POST', url: `${lot}/consume`, raw: '{"quantity": 1e400}' },
      { method: 'POST', url: `${lot}/consume`, raw: '{"quantity": 5e-324}' },
      { method: 'POST', url: `${lots}/not-a-uuid/consume`, body: { quantity: 1 } },
      { method: 'POST', url: `${lots}/${badUuid}/consume`, body: { quantity: 1 } },
      { method: 'POST', url: `${lots}/7d3f2c1e-0000-4000-8000-000000000000/consume`, body: { quantity: 1 } },
      { method: 'POST', url: `${lots}/%00/consume`, body: { quantity: 1 } },
      { method: 'POST', url: `${lot}/receive`, body: { quantity: 1, lot_number: 'OTHER' } },
      { method: 'POST', url: `${lot}/receive`, body: { quantity: -1 } },
      ...[
        { status: 'depleted', reason: 'x' },
        { status: 'expired', reason: 'x' },
        { status: 'quarantined' },
        { expiry_date: '2030-02-31', reason: 'x' },
        { expiry_date: 'soon', reason: 'x' },
        { vendor_id: 'v', reason: 'x' },
        { quantity_remaining: 1000, reason: 'x' },
      ].map((body) => ({ method: 'PATCH' as const, url: lot, body })),
      { method: 'GET', url: `${lots}?status=gone` },
      { method: 'GET', url: `${lots}?lot_number=../x` },
      { method: 'GET', url: '/api/inventory/movements?kind=steal' },
      { method: 'GET', url: '/api/inventory/movements?limit=1000' },
      { method: 'GET', url: '/api/inventory/movements?item_id=%00' },
    ];
    expect(await misanswered(attempts)).toEqual([]);
    expect(await footprint()).toEqual(before);
    const stock = (await send({ method: 'GET', url: lot })).json();
    expect(stock).toMatchObject({ quantity_remaining: 100, quantity_received: 100, status: 'active' });
  });

  it('accepts the far end of the calendar for an expiry date (9999-12-31)', async () => {
    const response = await send({
      method: 'POST',
      url: '/api/inventory/lots',
      body: { item_id: fixture.item, lot_number: nextCode('HL'), quantity: 1, expiry_date: '9999-12-31' },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().lot.expiry_date).toBe('9999-12-31');
    const tomorrow = addDays(today(), 1);
    const soon = await send({
      method: 'POST',
      url: '/api/inventory/lots',
      body: { item_id: fixture.item, lot_number: nextCode('HL'), quantity: 1, expiry_date: tomorrow },
    });
    expect(soon.statusCode).toBe(201);
  });
});

describe('devices and calibration: hostile input', () => {
  it('refuses wrong types, bad ids, hostile text and dates on every device route, writing nothing', async () => {
    const before = await footprint();
    const at = `/api/devices/${fixture.device}`;
    const calibration = { device_id: fixture.device, result: 'pass' };
    const attempts: Attempt[] = [
      ...[
        { device_id: 12 },
        { device_id: 'NUL\u0000' },
        { name: huge },
        { name: '\t\n ' },
        { device_type: 'd'.repeat(101) },
        { calibration_interval_days: '90' },
        { calibration_interval_days: -5 },
        { calibration_interval_days: null },
        { in_service: 'yes' },
        { health_score: '0.5' },
        { hub_id: 'hub-1' },
        { last_calibration_result: 'pass' },
        { next_calibration_due: '2099-01-01T00:00:00Z' },
      ].map((override) => ({ method: 'POST' as const, url: '/api/devices', body: deviceBody(override) })),
      {
        method: 'POST',
        url: '/api/devices',
        raw: rawWith(deviceBody(), 'calibration_interval_days', '1e400'),
      },
      { method: 'POST', url: '/api/devices', raw: rawWith(deviceBody(), 'health_score', '-1e400') },
      { method: 'GET', url: '/api/devices/NUL%00' },
      { method: 'GET', url: `/api/devices/${badUuid}` },
      { method: 'GET', url: '/api/devices?in_service=sometimes' },
      { method: 'GET', url: '/api/devices?calibration_state=fine' },
      { method: 'GET', url: '/api/devices?q=%00' },
      ...[
        { reason: 'only a reason' },
        { in_service: false },
        { in_service: 'no', reason: 'x' },
        { calibration_interval_days: 0, reason: 'x' },
        { name: '   ', reason: 'x' },
        { hub_id: 'h', reason: 'x' },
        { next_calibration_due: '2099-01-01T00:00:00Z', reason: 'x' },
      ].map((body) => ({ method: 'PATCH' as const, url: at, body })),
      ...[
        {},
        { purpose: '' },
        { purpose: '    ' },
        { purpose: 'p'.repeat(501) },
        { purpose: 'x', sample_id: '' },
        { purpose: 'x', sample_id: 'NO-SUCH-SAMPLE' },
        { purpose: 'x', sample_id: 's'.repeat(101) },
        { purpose: 'x', run_ref: '' },
        { purpose: 'x', used_at: '2020-01-01T00:00:00Z' },
        { purpose: 'x', used_by: admin.id },
      ].map((body) => ({ method: 'POST' as const, url: `${at}/usage`, body })),
      { method: 'POST', url: '/api/devices/NO-SUCH-DEVICE/usage', body: { purpose: 'x' } },
      { method: 'GET', url: `${at}/usage?limit=0` },
      ...[
        { result: 'valid' },
        { result: null },
        { device_id: '' },
        { device_id: 'NO-SUCH-DEVICE' },
        { device_id: '7d3f2c1e-0000-4000-8000-000000000000' },
        { performed_at: 'yesterday' },
        { performed_at: '2025-13-01T10:00:00Z' },
        { performed_at: '2025-01-01T25:00:00Z' },
        { performed_at: '2025-02-29T10:00:00Z', next_due_at: '2025-06-31T10:00:00Z' },
        { performed_at: '0999-01-01T00:00:00Z' },
        { performed_at: '2025-01-01' },
        { performed_at: 1735725600000 },
        { performed_at: '2999-01-01T00:00:00Z' },
        { next_due_at: '2027-02-30T10:00:00Z' },
        { next_due_at: '2000-01-01T00:00:00Z' },
        { result: 'fail', next_due_at: '2099-01-01T00:00:00Z' },
        { notes: 'n'.repeat(5001) },
        { performed_by: admin.id },
      ].map((override) => ({
        method: 'POST' as const,
        url: '/api/calibration',
        body: { ...calibration, ...override },
      })),
      { method: 'GET', url: '/api/calibration/not-a-uuid' },
      { method: 'GET', url: '/api/calibration/7d3f2c1e-0000-4000-8000-000000000000' },
      { method: 'GET', url: '/api/calibration?result=maybe' },
      { method: 'GET', url: '/api/calibration?device_id=NO-SUCH-DEVICE' },
      { method: 'GET', url: '/api/calibration/upcoming?days=-1' },
      { method: 'GET', url: '/api/calibration/upcoming?days=3651' },
      { method: 'GET', url: '/api/calibration/upcoming?days=ten' },
      { method: 'GET', url: '/api/calibration/overdue?lab_id=nope' },
      { method: 'GET', url: `/api/calibration/${fixture.calibration}/certificate?version=0` },
      { method: 'GET', url: `/api/calibration/${fixture.calibration}/certificate?version=x` },
      {
        method: 'POST',
        url: `/api/calibration/${fixture.calibration}/certificate`,
        body: { file: 'not multipart' },
      },
    ];
    expect(await misanswered(attempts)).toEqual([]);
    expect(await footprint()).toEqual(before);
  });
});

/** The parts of an OpenAPI operation the contract test reads. */
interface OpenApiOperation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  security?: unknown;
}

describe('route contract', () => {
  it('documents params, body and a success response schema for every lab-record route', async () => {
    const document = (await lab.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const prefixes = ['/api/samples', '/api/inventory', '/api/devices', '/api/calibration'];
    const gaps: string[] = [];
    let operations = 0;
    for (const [path, item] of Object.entries(
      document.paths as Record<string, Record<string, OpenApiOperation>>,
    )) {
      if (!prefixes.some((prefix) => path.startsWith(prefix))) continue;
      for (const [method, operation] of Object.entries(item)) {
        if (!['get', 'post', 'patch', 'delete', 'put'].includes(method)) continue;
        operations += 1;
        const label = `${method.toUpperCase()} ${path}`;
        const success = Object.entries(operation.responses ?? {}).filter(([status]) =>
          /^2\d\d$/.test(status),
        );
        if (success.length === 0) gaps.push(`${label}: no 2xx response`);
        for (const [status, response] of success) {
          const content = response.content;
          if (!content || Object.values(content).every((media) => !media.schema)) {
            gaps.push(`${label}: ${status} has no schema`);
          }
        }
        const declared = (operation.parameters ?? []).filter(
          (parameter: { in: string }) => parameter.in === 'path',
        );
        const expected = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
        for (const name of expected) {
          if (!declared.some((parameter) => parameter.name === name)) {
            gaps.push(`${label}: path parameter ${name} undeclared`);
          }
        }
        if (['post', 'patch', 'put'].includes(method) && !operation.requestBody) {
          gaps.push(`${label}: no request body schema`);
        }
        if (!operation.security) gaps.push(`${label}: no security requirement`);
      }
    }
    expect(operations).toBeGreaterThan(30);
    expect(gaps).toEqual([]);
  });
});

describe('hostile input regressions', () => {
  // Whitespace-only text would be trimmed to '' and break the table's CHECK (once a 500).
  it('refuses a whitespace-only sample_type or unit on create with a 400 and a code', async () => {
    const before = await footprint();
    for (const override of [{ sample_type: '   ' }, { unit: '\t ' }]) {
      const response = await send({ method: 'POST', url: '/api/samples', body: sampleBody(override) });
      expect(response.statusCode, JSON.stringify(override)).toBe(400);
      expect(response.json().error.code).toBeTypeOf('string');
    }
    expect(await footprint()).toEqual(before);
  });

  // On PATCH too (once stored a blank type).
  it('refuses a whitespace-only sample_type on update', async () => {
    const sample = (await send({ method: 'POST', url: '/api/samples', body: sampleBody() })).json();
    const response = await send({
      method: 'PATCH',
      url: `/api/samples/${sample.id}`,
      body: { sample_type: '   ', reason: 'blank it' },
    });
    expect(response.statusCode).toBe(400);
    expect((await send({ method: 'GET', url: `/api/samples/${sample.id}` })).json().sample_type).toBe(
      'plasma',
    );
  });

  // Inventory names, categories and units likewise (once a 500 from the CHECK).
  it('refuses whitespace-only item and vendor names, categories and units with a 400', async () => {
    const before = await footprint();
    const attempts: Attempt[] = [
      { method: 'POST', url: '/api/inventory/items', body: itemBody({ name: '   ' }) },
      { method: 'POST', url: '/api/inventory/items', body: itemBody({ category: ' ' }) },
      { method: 'POST', url: '/api/inventory/items', body: itemBody({ unit: '  ' }) },
      { method: 'POST', url: '/api/inventory/vendors', body: { code: nextCode('HV'), name: '  ' } },
      { method: 'PATCH', url: `/api/inventory/items/${fixture.item}`, body: { name: '   ', reason: 'x' } },
    ];
    expect(await misanswered(attempts)).toEqual([]);
    expect(await footprint()).toEqual(before);
  });

  // JSON.stringify overflows the stack on very deep nesting (once a 500); depth is capped at 32.
  it('refuses deeply nested metadata with a 400 and a code, not a 500', async () => {
    const before = await footprint();
    const depth = 6000;
    const raw = rawWith(sampleBody(), 'metadata', `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(raw.length).toBeLessThan(16_384);
    expect(await misanswered([{ method: 'POST', url: '/api/samples', raw }])).toEqual([]);
    expect(await footprint()).toEqual(before);
  });

  // Type.Record drops a key-length limit; `propertyNames` keeps it (once stored a 101-character key).
  it('refuses a metadata key longer than 100 characters', async () => {
    const response = await send({
      method: 'POST',
      url: '/api/samples',
      body: sampleBody({ metadata: { ['k'.repeat(101)]: 1 } }),
    });
    expect(response.statusCode).toBe(400);
  });

  // numeric(20,6) would round silently (1e-7 once stored as 0).
  it('refuses a sample quantity with more than 6 decimals instead of rounding it', async () => {
    const tiny = await send({ method: 'POST', url: '/api/samples', body: sampleBody({ quantity: 1e-7 }) });
    expect(tiny.statusCode, tiny.body).toBe(400);
    const rounded = await send({
      method: 'POST',
      url: '/api/samples',
      body: sampleBody({ quantity: 2.0000004 }),
    });
    expect(rounded.statusCode, rounded.body).toBe(400);
  });

  // Date.parse rolls 2025-02-30 over to 2 March (once stored that other day).
  it('refuses a calibration performed on a day that does not exist, storing nothing', async () => {
    const before = await footprint();
    for (const performed_at of ['2025-02-30T10:00:00Z', '2025-04-31T10:00:00Z']) {
      const response = await send({
        method: 'POST',
        url: '/api/calibration',
        body: { device_id: fixture.device, result: 'pass', performed_at },
      });
      expect(response.statusCode, `${performed_at}: ${response.body.slice(0, 200)}`).toBe(400);
    }
    expect(await footprint()).toEqual(before);
  });

  // Router errors (bad %-escape, over-long param) once kept Fastify's own error shape.
  it('answers an over-long id or a broken URL encoding in the house error shape', async () => {
    const attempts: Attempt[] = [
      { method: 'GET', url: `/api/samples/${'A'.repeat(101)}` },
      { method: 'GET', url: `/api/devices/${'D'.repeat(101)}` },
      { method: 'GET', url: '/api/samples/%E0%A4%A' },
      { method: 'POST', url: '/api/inventory/lots/%zz/consume', body: { quantity: 1 } },
    ];
    expect(await misanswered(attempts)).toEqual([]);
  });
});
