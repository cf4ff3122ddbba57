import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

// PGlite runs one statement at a time: row locks are only exercised on the real server.
const onPostgres = process.env.TEST_DB === 'postgres';
const lab = useLabApp({ DATABASE_POOL_SIZE: '40', USER_RATE_LIMIT_PER_MINUTE: '100000' });
let tech: TestAccount;

const post = (url: string, payload: object) =>
  lab.app.inject({ method: 'POST', url, headers: bearer(tech.token), payload });

async function newItem(code: string) {
  const response = await post('/api/inventory/items', { code, name: code, category: 'reagent', unit: 'mL' });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id as string;
}

async function receive(itemId: string, lotNumber: string, quantity: number) {
  return post('/api/inventory/lots', { item_id: itemId, lot_number: lotNumber, quantity });
}

/** The stored figures for an item: its counter, its lots, and its ledger, which must all agree. */
async function books(itemId: string) {
  const { rows } = await inLabs(lab.db, [defaultLabId], (tx) =>
    sql<{ current: number; lots: number; ledger: number; movements: number; consumes: number }>`
      select (select current_stock from inventory_items where id = ${itemId}) as current,
        (select coalesce(sum(quantity_remaining), 0) from inventory_lots where item_id = ${itemId}) as lots,
        (select coalesce(sum(quantity), 0) from inventory_movements where item_id = ${itemId}) as ledger,
        (select count(*) from inventory_movements where item_id = ${itemId}) as movements,
        (select count(*) from inventory_movements where item_id = ${itemId} and kind = 'consume') as consumes`.execute(
      tx,
    ),
  );
  return rows[0];
}

async function auditCount(action: string, lotId: string) {
  const row = await lab.db.kysely
    .selectFrom('audit_entries')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('action', '=', action)
    .where('entity_id', '=', lotId)
    .executeTakeFirst();
  return row?.count;
}

beforeAll(async () => {
  tech = await lab.user(['technician']);
});

describe('concurrent stock movements (PostgreSQL)', () => {
  it.runIf(onPostgres)(
    'never oversells one lot to 64 concurrent consumers; the ledger sums to the stock',
    async () => {
      const itemId = await newItem('HOT-1');
      const lot = (await receive(itemId, 'HOT-LOT', 40)).json().lot;
      const replies = await Promise.all(
        Array.from({ length: 64 }, (_, index) =>
          post(`/api/inventory/lots/${lot.id}/consume`, { quantity: 0.75, run_ref: `RUN-${index}` }),
        ),
      );
      const statuses = replies.map((reply) => reply.statusCode);
      // 40 / 0.75 = 53.33: exactly 53 fit, 0.25 mL stays.
      expect(statuses.filter((status) => status === 200)).toHaveLength(53);
      const refused = replies.filter((reply) => reply.statusCode !== 200);
      expect(refused).toHaveLength(11);
      for (const reply of refused) {
        expect(reply.statusCode, reply.body).toBe(409);
        expect(reply.json().error).toMatchObject({
          code: 'insufficient_stock',
          details: { available: 0.25, requested: 0.75 },
        });
      }
      const balances = replies
        .filter((reply) => reply.statusCode === 200)
        .map((reply) => reply.json().movement.lot_balance_after as number)
        .sort((a, b) => b - a);
      // Every success saw the previous one's result: the balances step down by 0.75 with no repeats.
      expect(balances).toEqual(Array.from({ length: 53 }, (_, index) => 40 - 0.75 * (index + 1)));
      expect(await books(itemId)).toEqual({
        current: 0.25,
        lots: 0.25,
        ledger: 0.25,
        movements: 54,
        consumes: 53,
      });
      expect(await auditCount('inventory.consume', lot.id)).toBe(53);
    },
  );

  it.runIf(onPostgres)('loses nothing when receipts and consumptions of one item race', async () => {
    const itemId = await newItem('RACE-1');
    const lot = (await receive(itemId, 'RACE-A', 1000)).json().lot;
    const work = [
      ...Array.from({ length: 24 }, () => post(`/api/inventory/lots/${lot.id}/consume`, { quantity: 3 })),
      ...Array.from({ length: 24 }, () => post(`/api/inventory/lots/${lot.id}/receive`, { quantity: 5 })),
      // Sixteen receipts of a lot number nobody has yet: one lot is created and the rest add to it.
      ...Array.from({ length: 16 }, () => receive(itemId, 'RACE-B', 2.5)),
    ];
    const replies = await Promise.all(work);
    for (const reply of replies) expect([200, 201], reply.body).toContain(reply.statusCode);
    expect(replies.filter((reply) => reply.statusCode === 201)).toHaveLength(1);
    const lots = await inLabs(lab.db, [defaultLabId], (tx) =>
      tx
        .selectFrom('inventory_lots')
        .select(['lot_number', 'quantity_remaining as remaining', 'quantity_received as received'])
        .where('item_id', '=', itemId)
        .orderBy('lot_number')
        .execute(),
    );
    expect(lots).toEqual([
      { lot_number: 'RACE-A', remaining: 1000 - 72 + 120, received: 1120 },
      { lot_number: 'RACE-B', remaining: 40, received: 40 },
    ]);
    expect(await books(itemId)).toEqual({
      current: 1088,
      lots: 1088,
      ledger: 1088,
      movements: 65,
      consumes: 24,
    });
    expect(await auditCount('inventory.receive', lot.id)).toBe(25);
  });

  it('keeps the books equal without concurrency too (both backends)', async () => {
    const itemId = await newItem('SEQ-1');
    const lot = (await receive(itemId, 'SEQ-A', 10)).json().lot;
    for (let index = 0; index < 5; index += 1) {
      await post(`/api/inventory/lots/${lot.id}/consume`, { quantity: 1.5 });
      await post(`/api/inventory/lots/${lot.id}/receive`, { quantity: 0.5 });
    }
    expect(await books(itemId)).toEqual({ current: 5, lots: 5, ledger: 5, movements: 11, consumes: 5 });
  });
});
