import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

// Holds that race their uses: once a lot is quarantined or a device taken out of service or failed,
// no use may be recorded after it. PGlite runs one statement at a time: only the real server races.
const onPostgres = process.env.TEST_DB === 'postgres';
const lab = useLabApp({ DATABASE_POOL_SIZE: '24', USER_RATE_LIMIT_PER_MINUTE: '100000' });
let admin: TestAccount;
let sequence = 0;

const code = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++sequence}`;
const call = (method: 'POST' | 'PATCH', url: string, payload: object) =>
  lab.app.inject({ method, url, headers: bearer(admin.token), payload });

/** Audit sequence numbers of one action on one entity, in chain order. */
async function seqs(action: string, entityId: string): Promise<number[]> {
  const rows = await lab.db.kysely
    .selectFrom('audit_entries')
    .select('seq')
    .where('action', '=', action)
    .where('entity_id', '=', entityId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => row.seq);
}

beforeAll(async () => {
  admin = await lab.user(['admin']);
});

describe('holds racing uses (PostgreSQL)', () => {
  it.runIf(onPostgres)('records no consumption after a concurrent quarantine of the lot', async () => {
    const item = (
      await call('POST', '/api/inventory/items', {
        code: code('RQ'),
        name: 'Tris',
        category: 'reagent',
        unit: 'g',
      })
    ).json();
    const lot = (
      await call('POST', '/api/inventory/lots', { item_id: item.id, lot_number: code('RQL'), quantity: 100 })
    ).json().lot;
    const consume = () => call('POST', `/api/inventory/lots/${lot.id}/consume`, { quantity: 1 });
    const replies = await Promise.all([
      ...Array.from({ length: 16 }, consume),
      call('PATCH', `/api/inventory/lots/${lot.id}`, { status: 'quarantined', reason: 'QC hold' }),
      ...Array.from({ length: 16 }, consume),
    ]);
    expect(replies[16]?.statusCode, replies[16]?.body).toBe(200);
    const uses = replies.filter((_, index) => index !== 16);
    for (const reply of uses) {
      expect([200, 409], reply.body).toContain(reply.statusCode);
      if (reply.statusCode === 409) expect(reply.json().error.code).toBe('lot_quarantined');
    }
    const granted = uses.filter((reply) => reply.statusCode === 200).length;
    const [hold] = await seqs('inventory.lot_quarantine', lot.id);
    const consumed = await seqs('inventory.consume', lot.id);
    expect(consumed).toHaveLength(granted);
    for (const seq of consumed) expect(seq).toBeLessThan(hold as number);
    // Lab-owned tables answer only inside a lab scope (row-level security).
    const books = await inLabs(lab.db, [defaultLabId], async (tx) => {
      const { rows } = await sql<{ remaining: number; ledger: number; status: string }>`
        select (select quantity_remaining from inventory_lots where id = ${lot.id}) as remaining,
          (select sum(quantity) from inventory_movements where lot_id = ${lot.id}) as ledger,
          (select status from inventory_lots where id = ${lot.id}) as status`.execute(tx);
      return rows[0];
    });
    expect(books).toEqual({ remaining: 100 - granted, ledger: 100 - granted, status: 'quarantined' });
  });

  it.runIf(onPostgres)(
    'records no device use after a concurrent failed calibration or out-of-service change',
    async () => {
      for (const hold of ['fail', 'out_of_service'] as const) {
        const device = (
          await call('POST', '/api/devices', {
            device_id: code('RD'),
            name: 'Balance',
            device_type: 'balance',
            calibration_interval_days: 30,
          })
        ).json();
        const passed = await call('POST', '/api/calibration', { device_id: device.id, result: 'pass' });
        expect(passed.statusCode, passed.body).toBe(201);
        const use = () => call('POST', `/api/devices/${device.id}/usage`, { purpose: 'weighing' });
        const holdCall =
          hold === 'fail'
            ? call('POST', '/api/calibration', { device_id: device.id, result: 'fail' })
            : call('PATCH', `/api/devices/${device.id}`, { in_service: false, reason: 'dropped' });
        const replies = await Promise.all([
          ...Array.from({ length: 12 }, use),
          holdCall,
          ...Array.from({ length: 12 }, use),
        ]);
        expect([200, 201], replies[12]?.body).toContain(replies[12]?.statusCode);
        const uses = replies.filter((_, index) => index !== 12);
        const refusal = hold === 'fail' ? 'device_not_calibrated' : 'device_out_of_service';
        for (const reply of uses) {
          expect([201, 409], reply.body).toContain(reply.statusCode);
          if (reply.statusCode === 409) expect(reply.json().error.code).toBe(refusal);
        }
        const granted = uses.filter((reply) => reply.statusCode === 201).length;
        const [held] = await seqs(
          hold === 'fail' ? 'device.calibration_status' : 'device.update',
          device.id,
        ).then((all) => all.slice(hold === 'fail' ? 1 : 0));
        const used = await seqs('device.use', device.id);
        expect(used).toHaveLength(granted);
        for (const seq of used) expect(seq, hold).toBeLessThan(held as number);
        // And after the race, the device is refused.
        const after = await use();
        expect(after.statusCode).toBe(409);
        expect(after.json().error.code).toBe(refusal);
      }
    },
  );
});
