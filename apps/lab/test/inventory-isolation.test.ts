import { addDays } from '@ours/platform/time';
import { type RawBuilder, sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { labToday } from '../src/modules/shared/lab-calendar.ts';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';
import { asSuperuser } from './support/superuser.ts';

const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
let admin: TestAccount;
let main: TestAccount;
let north: TestAccount;
let both: TestAccount;
let northLabId: string;
let mainItem: { id: string; code: string };
let mainLot: { id: string; lot_number: string };
let movementId: string;

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: unknown) =>
  lab.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

beforeAll(async () => {
  admin = await lab.user(['admin']);
  const created = await api('POST', '/api/admin/labs', admin.token, { code: 'INV-NORTH', name: 'North' });
  northLabId = created.json().id;
  main = await lab.user(['technician']);
  north = await lab.user(['technician']);
  both = await lab.user(['technician']);
  await api('POST', `/api/admin/users/${north.id}/labs`, admin.token, { lab_id: northLabId });
  await api('DELETE', `/api/admin/users/${north.id}/labs/${defaultLabId}`, admin.token, {
    reason: 'moved north',
  });
  await api('POST', `/api/admin/users/${both.id}/labs`, admin.token, { lab_id: northLabId });
  mainItem = (
    await api('POST', '/api/inventory/items', main.token, {
      code: 'ACN-1',
      name: 'Acetonitrile',
      category: 'reagent',
      unit: 'mL',
      reorder_point: 1000,
    })
  ).json();
  const received = await api('POST', '/api/inventory/lots', main.token, {
    item_id: mainItem.id,
    lot_number: 'L-100',
    quantity: 20,
    expiry_date: addDays(labToday(lab.clock.now()), 3),
  });
  mainLot = received.json().lot;
  movementId = received.json().movement.id;
});

describe('inventory lab isolation', () => {
  it("answers 404 to another lab's user for every record, and empty lists", async () => {
    for (const url of [`/api/inventory/items/${mainItem.id}`, `/api/inventory/lots/${mainLot.id}`]) {
      expect((await api('GET', url, north.token)).statusCode, url).toBe(404);
    }
    const consume = await api('POST', `/api/inventory/lots/${mainLot.id}/consume`, north.token, {
      quantity: 1,
    });
    expect(consume.statusCode).toBe(404);
    expect(consume.json().error.code).toBe('lot_not_found');
    const receive = await api('POST', '/api/inventory/lots', north.token, {
      item_id: mainItem.id,
      lot_number: 'L-SNEAK',
      quantity: 1,
    });
    expect(receive.json().error.code).toBe('item_not_found');
    const more = await api('POST', `/api/inventory/lots/${mainLot.id}/receive`, north.token, { quantity: 1 });
    expect(more.statusCode).toBe(404);
    const hold = await api('PATCH', `/api/inventory/lots/${mainLot.id}`, north.token, {
      status: 'quarantined',
      reason: 'x',
    });
    expect(hold.statusCode).toBe(404);
    const rename = await api('PATCH', `/api/inventory/items/${mainItem.id}`, north.token, {
      name: 'x',
      reason: 'x',
    });
    expect(rename.statusCode).toBe(404);
    for (const url of [
      '/api/inventory/items',
      '/api/inventory/lots',
      '/api/inventory/movements',
      '/api/inventory/vendors',
    ]) {
      expect((await api('GET', url, north.token)).json().items, url).toEqual([]);
    }
    expect((await api('GET', '/api/inventory/alerts/low-stock', north.token)).json().count).toBe(0);
    expect((await api('GET', '/api/inventory/alerts/expiring', north.token)).json().count).toBe(0);
    const mine = await api('GET', '/api/inventory/alerts/low-stock', main.token);
    expect(mine.json().items.map((item: { code: string }) => item.code)).toContain('ACN-1');
    // The lot is unchanged by all of that.
    expect(
      (await api('GET', `/api/inventory/lots/${mainLot.id}`, main.token)).json().quantity_remaining,
    ).toBe(20);
  });

  it('keeps the same item code free per lab and never links records across labs', async () => {
    const northItem = await api('POST', '/api/inventory/items', north.token, {
      code: 'ACN-1',
      name: 'Acetonitrile',
      category: 'reagent',
      unit: 'mL',
    });
    expect(northItem.statusCode).toBe(201);
    expect(northItem.json().lab_id).toBe(northLabId);
    const northVendor = await api('POST', '/api/inventory/vendors', north.token, {
      code: 'VWR',
      name: 'VWR',
    });
    const foreignVendor = await api('POST', '/api/inventory/lots', both.token, {
      item_id: mainItem.id,
      lot_number: 'L-200',
      quantity: 1,
      vendor_id: northVendor.json().id,
    });
    expect(foreignVendor.statusCode).toBe(404);
    expect(foreignVendor.json().error.code).toBe('vendor_not_found');
    const northSample = await api('POST', '/api/samples', admin.token, {
      sample_id: 'NORTH-S1',
      sample_type: 'serum',
      quantity: 1,
      unit: 'mL',
      lab_id: northLabId,
    });
    expect(northSample.statusCode, northSample.body).toBe(201);
    const foreignSample = await api('POST', `/api/inventory/lots/${mainLot.id}/consume`, both.token, {
      quantity: 1,
      sample_id: northSample.json().id,
    });
    expect(foreignSample.statusCode).toBe(404);
    expect(foreignSample.json().error.code).toBe('sample_not_found');
    const lab_required = await api('POST', '/api/inventory/items', both.token, {
      code: 'X-1',
      name: 'x',
      category: 'c',
      unit: 'g',
    });
    expect(lab_required.json().error.code).toBe('lab_required');
    // The database refuses a lot whose lab differs from its item's (composite key), even in scope.
    await expect(
      inLabs(lab.db, [defaultLabId, northLabId], (tx) =>
        tx
          .insertInto('inventory_lots')
          .values({
            lab_id: northLabId,
            item_id: mainItem.id,
            lot_number: 'L-X',
            quantity_received: 1,
            quantity_remaining: 1,
            created_by: both.id,
          })
          .execute(),
      ),
    ).rejects.toThrow();
  });
});

describe('the movement ledger', () => {
  /** The SQLSTATE a statement fails with as the runtime role, scoped to the main lab. */
  const failure = async (statement: RawBuilder<unknown>) => {
    try {
      await inLabs(lab.db, [defaultLabId], (tx) => statement.execute(tx));
    } catch (error) {
      for (let current: unknown = error; current instanceof Error; current = current.cause) {
        const { code } = current as { code?: string };
        if (code) return code;
      }
      throw error;
    }
    return 'succeeded';
  };

  it('is append-only for the runtime role: no UPDATE, DELETE or TRUNCATE', async () => {
    const rows = await inLabs(lab.db, [defaultLabId], (tx) =>
      tx.selectFrom('inventory_movements').select('id').where('id', '=', movementId).execute(),
    );
    expect(rows).toHaveLength(1);
    expect(await failure(sql`update inventory_movements set quantity = 1000 where id = ${movementId}`)).toBe(
      '42501',
    );
    expect(await failure(sql`delete from inventory_movements where id = ${movementId}`)).toBe('42501');
    expect(await failure(sql`truncate inventory_movements`)).toBe('42501');
  });

  it('refuses changes even to the owner (trigger), and stays intact', async () => {
    await expect(
      asSuperuser(lab.db, `update public.inventory_movements set quantity = 1000 where id = '${movementId}'`),
    ).rejects.toThrow(/append-only/);
    await expect(
      asSuperuser(lab.db, `delete from public.inventory_movements where id = '${movementId}'`),
    ).rejects.toThrow(/append-only/);
    // A refused script rolls back whole, its role switch included: the app is still the runtime role.
    const { rows: who } = await sql<{ role: string }>`select current_user as role`.execute(lab.db.kysely);
    expect(who[0]?.role).toBe('lab_app');
    const row = await inLabs(lab.db, [defaultLabId], (tx) =>
      tx.selectFrom('inventory_movements').select('quantity').where('id', '=', movementId).executeTakeFirst(),
    );
    expect(row?.quantity).toBe(20);
  });
});
