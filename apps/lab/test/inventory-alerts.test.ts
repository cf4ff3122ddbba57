import { addDays, nextLocalHour } from '@ours/platform/time';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordInventoryAlerts } from '../src/modules/inventory/alerts.service.ts';
import { startLabJobs } from '../src/modules/jobs/lab-jobs.ts';
import { labTimeZone, labToday } from '../src/modules/shared/lab-calendar.ts';
import { defaultLabId } from '../src/modules/sites/lab-scope.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
let tech: TestAccount;
let token: string;
let sequence = 0;

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, as = token) =>
  lab.app.inject({
    method,
    url,
    headers: bearer(as),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const code = (prefix: string) => `${prefix}-${++sequence}`;
const today = () => labToday(lab.clock.now());

async function item(reorderPoint: number, minStock = 0) {
  const response = await api('POST', '/api/inventory/items', {
    code: code('IT'),
    name: 'Buffer',
    category: 'reagent',
    unit: 'g',
    reorder_point: reorderPoint,
    min_stock: minStock,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; code: string };
}

async function lot(itemId: string, quantity: number, expiry: string | undefined) {
  const response = await api('POST', '/api/inventory/lots', {
    item_id: itemId,
    lot_number: code('LOT'),
    quantity,
    ...(expiry ? { expiry_date: expiry } : {}),
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().lot as { id: string; lot_number: string };
}

const codes = (rows: { code?: string; lot_number?: string }[]) =>
  rows.map((row) => row.code ?? row.lot_number);

async function openAlerts(as = token) {
  const response = await api('GET', '/api/inventory/alerts?limit=100', undefined, as);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as { kind: string; item_id: string; lot_id: string | null }[];
}

beforeAll(async () => {
  tech = await lab.user(['technician']);
  token = tech.token;
});

describe('the lab calendar', () => {
  it('names the day in London and finds the next 06:00 there across daylight saving changes', () => {
    expect(labToday(new Date('2030-07-15T23:30:00Z'))).toBe('2030-07-16');
    expect(labToday(new Date('2030-01-15T23:30:00Z'))).toBe('2030-01-15');
    expect(nextLocalHour(new Date('2030-01-15T05:00:00Z'), 6, labTimeZone).toISOString()).toBe(
      '2030-01-15T06:00:00.000Z',
    );
    expect(nextLocalHour(new Date('2030-01-15T06:00:00Z'), 6, labTimeZone).toISOString()).toBe(
      '2030-01-16T06:00:00.000Z',
    );
    expect(nextLocalHour(new Date('2030-07-15T04:30:00Z'), 6, labTimeZone).toISOString()).toBe(
      '2030-07-15T05:00:00.000Z',
    );
    // 31 March 2030: clocks go forward at 01:00 UTC.
    expect(nextLocalHour(new Date('2030-03-30T07:00:00Z'), 6, labTimeZone).toISOString()).toBe(
      '2030-03-31T05:00:00.000Z',
    );
    expect(nextLocalHour(new Date('2030-10-26T06:00:00Z'), 6, labTimeZone).toISOString()).toBe(
      '2030-10-27T06:00:00.000Z',
    );
    expect(addDays('2030-02-28', 1)).toBe('2030-03-01');
  });

  it('runs once at start (a late start does not wait a day), then waits for 06:00', async () => {
    const short = await item(50);
    const jobs = await startLabJobs(lab.ctx, lab.app.log, { workers: true });
    try {
      expect(jobs.schedules['inventory-alerts']).toBe('0 6 * * *');
      const deadline = Date.now() + 30_000;
      const startRun = () =>
        lab.db.kysely
          .selectFrom('job_runs')
          .selectAll()
          .where('name', '=', 'inventory-alerts')
          .where('status', '!=', 'running')
          .executeTakeFirst();
      while (!(await startRun()) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 200));
      expect(await startRun()).toMatchObject({ trigger: 'start', status: 'success' });
    } finally {
      await jobs.stop();
    }
    expect(await openAlerts()).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'low_stock', item_id: short.id })]),
    );
  });
});

describe('live alerts', () => {
  it('lists low stock at or below the reorder point (usable stock only), critical at the minimum', async () => {
    const at = await item(10, 2);
    await lot(at.id, 10, addDays(today(), 100));
    const above = await item(10);
    const aboveLot = await lot(above.id, 10.5, undefined);
    const held = await item(10, 5);
    const heldLot = await lot(held.id, 20, addDays(today(), 100));
    await api('PATCH', `/api/inventory/lots/${heldLot.id}`, { status: 'quarantined', reason: 'QC hold' });
    let report = (await api('GET', '/api/inventory/alerts/low-stock')).json();
    expect(codes(report.items)).toEqual(expect.arrayContaining([at.code, held.code]));
    expect(codes(report.items)).not.toContain(above.code);
    expect(report.items.find((row: { code: string }) => row.code === held.code)).toMatchObject({
      current_stock: 20,
      available_stock: 0,
      shortage: 10,
      severity: 'critical',
    });
    expect(report.items.find((row: { code: string }) => row.code === at.code)).toMatchObject({
      available_stock: 10,
      shortage: 0,
      severity: 'warning',
    });
    await api('POST', `/api/inventory/lots/${aboveLot.id}/consume`, { quantity: 0.5 });
    report = (await api('GET', '/api/inventory/alerts/low-stock')).json();
    expect(codes(report.items)).toContain(above.code);
    expect(report.count).toBe(report.items.length);
    const filtered = (await api('GET', '/api/inventory/items?low_stock=true&limit=100')).json();
    expect(codes(filtered.items)).toEqual(expect.arrayContaining([at.code, held.code, above.code]));
  });

  it('lists lots expiring within the window, both ends inclusive', async () => {
    const stock = await item(0);
    const onToday = await lot(stock.id, 1, today());
    const onLastDay = await lot(stock.id, 1, addDays(today(), 30));
    const dayAfter = await lot(stock.id, 1, addDays(today(), 31));
    const undated = await lot(stock.id, 1, undefined);
    const empty = await lot(stock.id, 1, today());
    await api('POST', `/api/inventory/lots/${empty.id}/consume`, { quantity: 1 });
    const window = (await api('GET', '/api/inventory/alerts/expiring?days=30')).json();
    expect(window.days).toBe(30);
    const numbers = codes(window.lots);
    expect(numbers).toEqual(expect.arrayContaining([onToday.lot_number, onLastDay.lot_number]));
    for (const excluded of [dayAfter, undated, empty]) expect(numbers).not.toContain(excluded.lot_number);
    expect(
      window.lots.find((row: { lot_number: string }) => row.lot_number === onLastDay.lot_number),
    ).toMatchObject({
      days_until_expiry: 30,
    });
    const defaults = (await api('GET', '/api/inventory/alerts/expiring')).json();
    expect(defaults.days).toBe(30);
    const todayOnly = codes((await api('GET', '/api/inventory/alerts/expiring?days=0')).json().lots);
    expect(todayOnly).toContain(onToday.lot_number);
    expect(todayOnly).not.toContain(onLastDay.lot_number);
    expect(codes((await api('GET', '/api/inventory/alerts/expiring?days=31')).json().lots)).toContain(
      dayAfter.lot_number,
    );
    for (const bad of ['-1', 'abc', '3651']) {
      expect((await api('GET', `/api/inventory/alerts/expiring?days=${bad}`)).statusCode, bad).toBe(400);
    }
  });

  it('lists lots past their expiry date with stock left', async () => {
    const stock = await item(0);
    const old = await lot(stock.id, 3, addDays(today(), 10));
    await api('PATCH', `/api/inventory/lots/${old.id}`, {
      expiry_date: addDays(today(), -2),
      reason: 'recall notice',
    });
    const report = (await api('GET', '/api/inventory/alerts/expired')).json();
    expect(
      report.lots.find((row: { lot_number: string }) => row.lot_number === old.lot_number),
    ).toMatchObject({
      status: 'expired',
      days_until_expiry: -2,
      quantity_remaining: 3,
    });
    expect(codes((await api('GET', '/api/inventory/alerts/expiring')).json().lots)).not.toContain(
      old.lot_number,
    );
  });
});

describe('the daily alert job', () => {
  it('records new conditions once, resolves cleared ones, and marks lots expired as days pass', async () => {
    const expiring = await item(5);
    const soon = await lot(expiring.id, 10, addDays(today(), 2));
    const short = await item(100);
    const shortLot = await lot(short.id, 10, addDays(today(), 200));

    const first = await recordInventoryAlerts(lab.ctx);
    expect(first.opened).toBeGreaterThan(0);
    let open = await openAlerts();
    expect(open).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'expiring', lot_id: soon.id }),
        expect.objectContaining({ kind: 'low_stock', item_id: short.id, lot_id: null }),
      ]),
    );
    expect(open.filter((alert) => alert.item_id === expiring.id && alert.kind === 'low_stock')).toEqual([]);

    const again = await recordInventoryAlerts(lab.ctx);
    expect(again).toMatchObject({ opened: 0, resolved: 0, expired_lots: 0 });
    expect(await openAlerts()).toHaveLength(open.length);

    await api('POST', `/api/inventory/lots/${shortLot.id}/receive`, { quantity: 200 });
    const restocked = await recordInventoryAlerts(lab.ctx);
    expect(restocked.resolved).toBe(1);
    expect((await openAlerts()).filter((alert) => alert.item_id === short.id)).toEqual([]);

    // Three days on, the lot that expired yesterday is marked, its alert moves from expiring to
    // expired, and its item is now short of usable stock.
    lab.clock.advance(3 * 86_400_000);
    token = (await lab.login(tech.email)).access_token;
    const later = await recordInventoryAlerts(lab.ctx);
    expect(later.expired_lots).toBeGreaterThanOrEqual(1);
    open = await openAlerts();
    expect(open.filter((alert) => alert.lot_id === soon.id).map((alert) => alert.kind)).toEqual(['expired']);
    expect(open).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'low_stock', item_id: expiring.id })]),
    );
    const marked = (await api('GET', `/api/inventory/lots/${soon.id}`)).json();
    expect(marked.status).toBe('expired');
    const refused = await api('POST', `/api/inventory/lots/${soon.id}/consume`, { quantity: 1 });
    expect(refused.json().error.code).toBe('lot_expired');
    const entry = await lab.db.kysely
      .selectFrom('audit_entries')
      .select(['action', 'actor_email', 'after'])
      .where('entity_id', '=', soon.id)
      .where('action', '=', 'inventory.lot_expire')
      .executeTakeFirst();
    expect(entry).toMatchObject({ actor_email: 'system:inventory-alerts', after: { status: 'expired' } });

    expect(await recordInventoryAlerts(lab.ctx)).toMatchObject({ opened: 0, resolved: 0, expired_lots: 0 });
    const counts = await lab.db.kysely
      .selectFrom('audit_entries')
      .select((eb) => eb.fn.countAll<number>().as('alerts'))
      .where('action', '=', 'inventory.lot_expire')
      .executeTakeFirst();
    expect(counts?.alerts).toBe(later.expired_lots);
  });

  it("lists only the caller's labs' alerts", async () => {
    const admin = await lab.user(['admin']);
    const created = await api('POST', '/api/admin/labs', { code: 'ALERT-NORTH', name: 'North' }, admin.token);
    const north = await lab.user(['technician']);
    await api('POST', `/api/admin/users/${north.id}/labs`, { lab_id: created.json().id }, admin.token);
    await api(
      'DELETE',
      `/api/admin/users/${north.id}/labs/${defaultLabId}`,
      { reason: 'moved' },
      admin.token,
    );
    expect(await openAlerts()).not.toEqual([]);
    expect(await openAlerts(north.token)).toEqual([]);
    expect((await api('GET', '/api/inventory/alerts/low-stock', undefined, north.token)).json().count).toBe(
      0,
    );
  });
});
