import { addDays } from '@ours/platform/time';
import { beforeAll, describe, expect, it } from 'vitest';
import { labToday } from '../src/modules/shared/lab-calendar.ts';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
let tech: TestAccount;
let scientist: TestAccount;
let sequence = 0;

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: unknown) =>
  lab.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

const code = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++sequence}`;
const today = () => labToday(lab.clock.now());

async function newItem(overrides: Record<string, unknown> = {}) {
  const response = await api('POST', '/api/inventory/items', tech.token, {
    code: code('ITEM'),
    name: 'Ethanol 70%',
    category: 'reagent',
    unit: 'mL',
    reorder_point: 100,
    min_stock: 20,
    ...overrides,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function receive(itemId: string, overrides: Record<string, unknown> = {}) {
  return api('POST', '/api/inventory/lots', tech.token, {
    item_id: itemId,
    lot_number: code('LOT'),
    quantity: 500,
    expiry_date: addDays(today(), 90),
    ...overrides,
  });
}

async function ledger(lotId: string) {
  return inLabs(lab.db, [defaultLabId], (tx) =>
    tx
      .selectFrom('inventory_movements')
      .select((eb) => [
        eb.fn.coalesce(eb.fn.sum<number>('quantity'), eb.lit(0)).as('sum'),
        eb.fn.countAll<number>().as('count'),
      ])
      .where('lot_id', '=', lotId)
      .execute(),
  );
}

beforeAll(async () => {
  tech = await lab.user(['technician']);
  scientist = await lab.user(['scientist']);
});

describe('vendors and items', () => {
  it('creates a vendor (201), refuses a duplicate code (409), finds it by id and 404s an unknown one', async () => {
    const body = { code: code('V'), name: 'Sigma', contact_info: { email: 'orders@sigma.test' } };
    const created = await api('POST', '/api/inventory/vendors', tech.token, body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: body.code, contact_info: body.contact_info });
    const again = await api('POST', '/api/inventory/vendors', tech.token, body);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('vendor_code_taken');
    expect((await api('GET', `/api/inventory/vendors/${created.json().id}`, tech.token)).statusCode).toBe(
      200,
    );
    const missing = await api(
      'GET',
      '/api/inventory/vendors/7d3f2c1e-0000-4000-8000-000000000000',
      tech.token,
    );
    expect(missing.statusCode).toBe(404);
    const changed = await api('PATCH', `/api/inventory/vendors/${created.json().id}`, tech.token, {
      name: 'Sigma-Aldrich',
      reason: 'renamed',
    });
    expect(changed.json().name).toBe('Sigma-Aldrich');
  });

  it('starts an item at zero stock, refuses a duplicate code and never lets a client set the stock', async () => {
    const item = await newItem();
    expect(item).toMatchObject({ current_stock: 0, available_stock: 0, reorder_point: 100, min_stock: 20 });
    const again = await api('POST', '/api/inventory/items', tech.token, {
      code: item.code,
      name: 'x',
      category: 'reagent',
      unit: 'mL',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('item_code_taken');
    const setStock = await api('PATCH', `/api/inventory/items/${item.id}`, tech.token, {
      current_stock: 1000,
      reason: 'cheat',
    });
    expect(setStock.statusCode).toBe(400);
    const onCreate = await api('POST', '/api/inventory/items', tech.token, {
      code: code('ITEM'),
      name: 'x',
      category: 'reagent',
      unit: 'mL',
      current_stock: 5,
    });
    expect(onCreate.statusCode).toBe(400);
    const upside = await api('PATCH', `/api/inventory/items/${item.id}`, tech.token, {
      min_stock: 500,
      reason: 'typo',
    });
    expect(upside.statusCode).toBe(400);
    expect(upside.json().error.code).toBe('min_stock_above_reorder_point');
    const changed = await api('PATCH', `/api/inventory/items/${item.id}`, tech.token, {
      reorder_point: 50,
      reason: 'usage dropped',
    });
    expect(changed.json()).toMatchObject({ reorder_point: 50, current_stock: 0 });
  });

  it('lists items with filters and keyset pages', async () => {
    const category = code('cat');
    for (let index = 0; index < 5; index += 1) await newItem({ category });
    const first = await api('GET', `/api/inventory/items?category=${category}&limit=2`, tech.token);
    expect(first.json().items).toHaveLength(2);
    const seen = first.json().items.map((item: { id: string }) => item.id);
    let cursor = first.json().next_cursor;
    while (cursor) {
      const next = await api(
        'GET',
        `/api/inventory/items?category=${category}&limit=2&cursor=${cursor}`,
        tech.token,
      );
      seen.push(...next.json().items.map((item: { id: string }) => item.id));
      cursor = next.json().next_cursor;
    }
    expect(new Set(seen).size).toBe(5);
    const bad = await api('GET', '/api/inventory/items?cursor=not-a-cursor', tech.token);
    expect(bad.statusCode).toBe(400);
  });

  it('refuses a receipt past what numeric(20,6) can hold with a 409, not a 500', async () => {
    const item = await newItem();
    const lotNumber = code('BIG');
    for (let index = 0; index < 99; index += 1) {
      const reply = await receive(item.id, { lot_number: lotNumber, quantity: 1e12 });
      expect(reply.statusCode).toBeLessThan(300);
    }
    const overflow = await receive(item.id, { lot_number: lotNumber, quantity: 1e12 });
    expect(overflow.statusCode).toBe(409);
    expect(overflow.json().error.code).toBe('quantity_too_large');
  });

  it('documents every inventory route in the OpenAPI document', async () => {
    const document = (await lab.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const paths = Object.keys(document.paths).filter((path) => path.startsWith('/api/inventory'));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/inventory/lots/{id}/consume',
        '/api/inventory/alerts/expiring',
        '/api/inventory/movements',
      ]),
    );
    const consume = document.paths['/api/inventory/lots/{id}/consume'].post;
    expect(consume.requestBody).toBeDefined();
    expect(Object.keys(consume.responses)).toContain('200');
  });

  it('needs the inventory permissions (a scientist may not read or create)', async () => {
    expect((await api('GET', '/api/inventory/items', scientist.token)).statusCode).toBe(403);
  });
});

describe('receive and consume', () => {
  it('creates a lot (201), adds to it (200), and keeps item stock, lot and ledger equal', async () => {
    const item = await newItem();
    const lotNumber = code('LOT');
    const first = await receive(item.id, { lot_number: lotNumber, quantity: 250.5 });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      created: true,
      lot: { lot_number: lotNumber, quantity_received: 250.5, quantity_remaining: 250.5, status: 'active' },
      item: { current_stock: 250.5, available_stock: 250.5 },
      movement: { kind: 'receive', quantity: 250.5, lot_balance_after: 250.5, item_balance_after: 250.5 },
    });
    const more = await receive(item.id, { lot_number: lotNumber, quantity: 0.25 });
    expect(more.statusCode).toBe(200);
    expect(more.json()).toMatchObject({ created: false, lot: { quantity_remaining: 250.75 } });
    const byId = await api('POST', `/api/inventory/lots/${first.json().lot.id}/receive`, tech.token, {
      quantity: 9.25,
    });
    expect(byId.json()).toMatchObject({ lot: { quantity_remaining: 260, quantity_received: 260 } });
    expect(await ledger(first.json().lot.id)).toEqual([{ sum: 260, count: 3 }]);
    const otherExpiry = await receive(item.id, { lot_number: lotNumber, expiry_date: addDays(today(), 5) });
    expect(otherExpiry.statusCode).toBe(409);
    expect(otherExpiry.json().error.code).toBe('lot_expiry_mismatch');
  });

  it('answers 409 insufficient_stock with available and requested when consuming more than is left', async () => {
    const item = await newItem();
    const lot = (await receive(item.id, { quantity: 10 })).json().lot;
    const tooMuch = await api('POST', `/api/inventory/lots/${lot.id}/consume`, tech.token, {
      quantity: 10.5,
    });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json().error).toMatchObject({
      code: 'insufficient_stock',
      details: { available: 10, requested: 10.5, unit: 'mL' },
    });
    const all = await api('POST', `/api/inventory/lots/${lot.id}/consume`, tech.token, {
      quantity: 10,
      reason: 'assay',
      run_ref: 'RUN-42',
    });
    expect(all.statusCode).toBe(200);
    expect(all.json()).toMatchObject({
      lot: { quantity_remaining: 0, status: 'depleted' },
      item: { current_stock: 0 },
      movement: { kind: 'consume', quantity: -10, lot_balance_after: 0, run_ref: 'RUN-42', reason: 'assay' },
    });
    const empty = await api('POST', `/api/inventory/lots/${lot.id}/consume`, tech.token, { quantity: 1 });
    expect(empty.json().error).toMatchObject({
      code: 'insufficient_stock',
      details: { available: 0, requested: 1 },
    });
    expect(await ledger(lot.id)).toEqual([{ sum: 0, count: 2 }]);
  });

  it('refuses zero, negative, over-precise and malformed quantities and dates with 400', async () => {
    const item = await newItem();
    const lot = (await receive(item.id)).json().lot;
    for (const quantity of [0, -1, -0.5, '5', null, 1e-7, 1.0000001]) {
      const consumed = await api('POST', `/api/inventory/lots/${lot.id}/consume`, tech.token, { quantity });
      expect(consumed.statusCode, String(quantity)).toBe(400);
      const received = await receive(item.id, { quantity });
      expect(received.statusCode, String(quantity)).toBe(400);
    }
    expect((await receive(item.id, { expiry_date: '2030-02-30' })).statusCode).toBe(400);
    expect((await receive(item.id, { expiry_date: addDays(today(), -1) })).json().error.code).toBe(
      'lot_already_expired',
    );
    expect(
      (await api('POST', '/api/inventory/lots/not-a-uuid/consume', tech.token, { quantity: 1 })).statusCode,
    ).toBe(400);
    expect(await ledger(lot.id)).toEqual([{ sum: 500, count: 1 }]);
  });

  it('refuses consumption from an expired lot and from a quarantined one until it is released', async () => {
    const item = await newItem();
    const lot = (await receive(item.id, { quantity: 50, expiry_date: today() })).json().lot;
    // Usable through its expiry date; expired the day after.
    expect(
      (await api('POST', `/api/inventory/lots/${lot.id}/consume`, tech.token, { quantity: 1 })).statusCode,
    ).toBe(200);
    const redated = await api('PATCH', `/api/inventory/lots/${lot.id}`, tech.token, {
      expiry_date: addDays(today(), -1),
      reason: 'supplier notice: shelf life shortened',
    });
    expect(redated.json()).toMatchObject({ status: 'expired', expiry_date: addDays(today(), -1) });
    const expired = await api('POST', `/api/inventory/lots/${lot.id}/consume`, tech.token, { quantity: 1 });
    expect(expired.statusCode).toBe(409);
    expect(expired.json().error.code).toBe('lot_expired');
    expect((await receive(item.id, { lot_number: lot.lot_number, quantity: 1 })).json().error.code).toBe(
      'lot_expired',
    );

    const fresh = (await receive(item.id, { quantity: 20 })).json().lot;
    const noReason = await api('PATCH', `/api/inventory/lots/${fresh.id}`, tech.token, {
      status: 'quarantined',
    });
    expect(noReason.statusCode).toBe(400);
    const held = await api('PATCH', `/api/inventory/lots/${fresh.id}`, tech.token, {
      status: 'quarantined',
      reason: 'QC failed appearance check',
    });
    expect(held.json().status).toBe('quarantined');
    const refused = await api('POST', `/api/inventory/lots/${fresh.id}/consume`, tech.token, { quantity: 1 });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('lot_quarantined');
    const item_ = (await api('GET', `/api/inventory/items/${item.id}`, tech.token)).json();
    expect(item_).toMatchObject({ current_stock: 69, available_stock: 0 });
    const released = await api('PATCH', `/api/inventory/lots/${fresh.id}`, tech.token, {
      status: 'active',
      reason: 'QC retest passed',
    });
    expect(released.json().status).toBe('active');
    expect(
      (await api('POST', `/api/inventory/lots/${fresh.id}/consume`, tech.token, { quantity: 1 })).statusCode,
    ).toBe(200);
    const depleted = (await receive(item.id, { quantity: 1 })).json().lot;
    await api('POST', `/api/inventory/lots/${depleted.id}/consume`, tech.token, { quantity: 1 });
    const holdEmpty = await api('PATCH', `/api/inventory/lots/${depleted.id}`, tech.token, {
      status: 'quarantined',
      reason: 'x',
    });
    expect(holdEmpty.statusCode).toBe(409);
    expect(holdEmpty.json().error.code).toBe('invalid_status_transition');
  });

  it('records the sample a consumption was for, only from the same lab', async () => {
    const admin = await lab.user(['admin']);
    const sample = await api('POST', '/api/samples', admin.token, {
      sample_id: code('S'),
      sample_type: 'plasma',
      quantity: 1,
      unit: 'mL',
    });
    const item = await newItem();
    const lot = (await receive(item.id)).json().lot;
    const used = await api('POST', `/api/inventory/lots/${lot.id}/consume`, tech.token, {
      quantity: 2,
      sample_id: sample.json().id,
    });
    expect(used.json().movement.sample_id).toBe(sample.json().id);
    const unknown = await api('POST', `/api/inventory/lots/${lot.id}/consume`, tech.token, {
      quantity: 2,
      sample_id: '7d3f2c1e-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('sample_not_found');
    const bySample = await api('GET', `/api/inventory/movements?sample_id=${sample.json().id}`, tech.token);
    expect(bySample.json().items).toEqual([expect.objectContaining({ quantity: -2, lot_id: lot.id })]);

    const deleted = await lab.app.inject({
      method: 'DELETE',
      url: `/api/samples/${sample.json().id}`,
      headers: bearer(admin.token),
      payload: { reason: 'registered twice' },
    });
    expect(deleted.statusCode).toBe(200);
    const afterDelete = await api('POST', `/api/inventory/lots/${lot.id}/consume`, tech.token, {
      quantity: 1,
      sample_id: sample.json().id,
    });
    expect(afterDelete.json().error?.code).toBe('sample_not_found');
  });

  it('audits every movement in the same transaction, with before, after and reason', async () => {
    const item = await newItem();
    const lot = (await receive(item.id, { quantity: 30, reason: 'delivery 881' })).json().lot;
    const consumed = (
      await api('POST', `/api/inventory/lots/${lot.id}/consume`, tech.token, {
        quantity: 7.5,
        reason: 'titration',
      })
    ).json();
    const entries = await lab.db.kysely
      .selectFrom('audit_entries')
      .select(['action', 'actor_id', 'before', 'after', 'reason'])
      .where('entity_type', '=', 'inventory_lot')
      .where('entity_id', '=', lot.id)
      .orderBy('seq')
      .execute();
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'inventory.receive',
        actor_id: tech.id,
        before: null,
        after: expect.objectContaining({ quantity: 30, quantity_remaining: 30, item_current_stock: 30 }),
        reason: 'delivery 881',
      }),
      expect.objectContaining({
        action: 'inventory.consume',
        before: expect.objectContaining({ quantity_remaining: 30, item_current_stock: 30 }),
        after: expect.objectContaining({
          quantity: -7.5,
          quantity_remaining: 22.5,
          item_current_stock: 22.5,
          movement_id: consumed.movement.id,
        }),
        reason: 'titration',
      }),
    ]);
    const refused = await api('POST', `/api/inventory/lots/${lot.id}/consume`, tech.token, {
      quantity: 1000,
    });
    expect(refused.statusCode).toBe(409);
    const after = await lab.db.kysely
      .selectFrom('audit_entries')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('entity_id', '=', lot.id)
      .execute();
    expect(after).toEqual([{ count: 2 }]);
  });
});
