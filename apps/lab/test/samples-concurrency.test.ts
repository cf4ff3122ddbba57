import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

// PGlite runs one statement at a time: row locks are only exercised on the real server.
const onPostgres = process.env.TEST_DB === 'postgres';
const lab = useLabApp({ DATABASE_POOL_SIZE: '24', USER_RATE_LIMIT_PER_MINUTE: '100000' });
let scientist: TestAccount;
let admin: TestAccount;
let sequence = 0;

const newId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++sequence}`;

const call = (method: 'POST' | 'DELETE' | 'PATCH', url: string, payload: unknown, token = scientist.token) =>
  lab.app.inject({ method, url, headers: bearer(token), payload: payload as object });

async function newSample(quantity: number, sampleId = newId('CS')) {
  const response = await call('POST', '/api/samples', {
    sample_id: sampleId,
    sample_type: 'plasma',
    quantity,
    unit: 'mL',
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; sample_id: string };
}

/** What the database holds for a parent: its own row, its children through lineage, its audit. */
async function books(parentId: string) {
  return inLabs(lab.db, [defaultLabId], async (tx) => {
    const parent = await tx
      .selectFrom('samples')
      .select(['quantity', 'status'])
      .where('id', '=', parentId)
      .executeTakeFirst();
    const children = await tx
      .selectFrom('sample_lineage as l')
      .innerJoin('samples as s', 's.id', 'l.child_id')
      .select(['s.sample_id', 's.quantity', 'l.relation'])
      .where('l.parent_id', '=', parentId)
      .orderBy('s.sample_id')
      .execute();
    const sum = await tx
      .selectFrom('sample_lineage as l')
      .innerJoin('samples as s', 's.id', 'l.child_id')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('s.quantity'), eb.lit(0)).as('total'))
      .where('l.parent_id', '=', parentId)
      .executeTakeFirst();
    return { parent, children, childTotal: sum?.total ?? -1 };
  });
}

async function auditSeqs(action: string, entityId: string): Promise<number[]> {
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
  scientist = await lab.user(['scientist']);
  admin = await lab.user(['admin']);
});

describe('concurrent splits of one parent (PostgreSQL)', () => {
  it.runIf(onPostgres)(
    'never gives out more than the parent holds to 32 concurrent splits; children sum to what it lost',
    async () => {
      const parent = await newSample(10);
      // Each split asks for 0.3 + 0.4 = 0.7 mL: exactly 14 fit (9.8 mL) and 0.2 mL stays.
      // Half name the parent by uuid, half by business id: both must queue on the same row lock.
      const replies = await Promise.all(
        Array.from({ length: 32 }, (_, index) =>
          call('POST', `/api/samples/${index % 2 ? parent.id : parent.sample_id}/split`, {
            children: [{ quantity: 0.3 }, { quantity: 0.4 }],
            reason: `aliquots ${index}`,
          }),
        ),
      );
      const succeeded = replies.filter((reply) => reply.statusCode === 201);
      expect(succeeded).toHaveLength(14);
      for (const reply of replies.filter((candidate) => candidate.statusCode !== 201)) {
        expect(reply.statusCode, reply.body).toBe(409);
        expect(reply.json().error).toMatchObject({
          code: 'insufficient_quantity',
          details: { available: 0.2, requested: 0.7 },
        });
      }
      // Every success saw the one before it: the parent steps down by 0.7 with no repeats.
      const remaining = succeeded
        .map((reply) => reply.json().parent.quantity as number)
        .sort((a, b) => b - a);
      expect(remaining.map((value) => Math.round(value * 1e6))).toEqual(
        Array.from({ length: 14 }, (_, index) => Math.round((10 - 0.7 * (index + 1)) * 1e6)),
      );
      // Ids are numbered after one another, never given twice.
      const ids = succeeded.flatMap((reply) =>
        reply.json().children.map((child: { sample_id: string }) => child.sample_id),
      );
      expect(new Set(ids).size).toBe(28);
      expect(ids.sort()).toEqual(
        Array.from({ length: 28 }, (_, index) => `${parent.sample_id}.${index + 1}`).sort(),
      );

      const { parent: stored, children, childTotal } = await books(parent.id);
      expect(stored).toEqual({ quantity: 0.2, status: 'received' });
      expect(children).toHaveLength(28);
      expect(children.every((child) => child.relation === 'aliquot')).toBe(true);
      expect(Math.round(childTotal * 1e6)).toBe(9_800_000);
      expect(Math.round((childTotal + (stored?.quantity ?? 0)) * 1e6)).toBe(10_000_000);
      expect(await auditSeqs('sample.split', parent.id)).toHaveLength(14);
    },
  );

  it.runIf(onPostgres)('consumes the parent exactly once when concurrent splits empty it', async () => {
    const parent = await newSample(4);
    const replies = await Promise.all(
      Array.from({ length: 16 }, () =>
        call('POST', `/api/samples/${parent.id}/split`, { children: [{ quantity: 0.5 }] }),
      ),
    );
    expect(replies.filter((reply) => reply.statusCode === 201)).toHaveLength(8);
    const refused = replies.filter((reply) => reply.statusCode !== 201);
    expect(refused.map((reply) => reply.statusCode)).toEqual(Array(8).fill(409));
    // Once it reached zero it is consumed, so the latecomers are told it is spent.
    expect(new Set(refused.map((reply) => reply.json().error.code))).toEqual(new Set(['sample_spent']));
    const { parent: stored, children, childTotal } = await books(parent.id);
    expect(stored).toEqual({ quantity: 0, status: 'consumed' });
    expect(children).toHaveLength(8);
    expect(childTotal).toBe(4);
    const splits = await lab.db.kysely
      .selectFrom('audit_entries')
      .select(sql<string>`after ->> 'status'`.as('status'))
      .where('action', '=', 'sample.split')
      .where('entity_id', '=', parent.id)
      .orderBy('seq')
      .execute();
    expect(splits.map((entry) => entry.status)).toEqual([...Array(7).fill('received'), 'consumed']);
  });

  it.runIf(onPostgres)(
    'gives a child id named by several concurrent splits to exactly one, and rolls the others back whole',
    async () => {
      const shared = newId('SHARED');
      const parents = await Promise.all(Array.from({ length: 8 }, () => newSample(5)));
      const replies = await Promise.all(
        parents.map((parent) =>
          call('POST', `/api/samples/${parent.id}/split`, {
            children: [{ quantity: 1 }, { sample_id: shared, quantity: 1 }],
          }),
        ),
      );
      const statuses = replies.map((reply) => reply.statusCode);
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      for (const reply of replies.filter((candidate) => candidate.statusCode !== 201)) {
        expect(reply.statusCode, reply.body).toBe(409);
        expect(['samples_exist', 'sample_exists']).toContain(reply.json().error.code);
      }
      const winner = parents[statuses.indexOf(201)] as { id: string };
      for (const parent of parents) {
        const { parent: stored, children } = await books(parent.id);
        if (parent === winner) {
          expect(stored?.quantity).toBe(3);
          expect(children).toHaveLength(2);
        } else {
          // Nothing of a refused split survives: quantity, children, lineage and audit untouched.
          expect(stored?.quantity).toBe(5);
          expect(children).toEqual([]);
          expect(await auditSeqs('sample.split', parent.id)).toEqual([]);
        }
      }
    },
  );

  it.runIf(onPostgres)('lets no split land after a concurrent soft delete of the parent', async () => {
    const parent = await newSample(100);
    const work = [
      ...Array.from({ length: 12 }, () =>
        call('POST', `/api/samples/${parent.id}/split`, { children: [{ quantity: 1 }] }),
      ),
      call('DELETE', `/api/samples/${parent.id}`, { reason: 'mislabelled' }, admin.token),
      ...Array.from({ length: 12 }, () =>
        call('POST', `/api/samples/${parent.id}/split`, { children: [{ quantity: 1 }] }),
      ),
    ];
    const replies = await Promise.all(work);
    expect(replies[12]?.statusCode, replies[12]?.body).toBe(200);
    const splits = replies.filter((_, index) => index !== 12);
    for (const reply of splits) {
      expect([201, 409], reply.body).toContain(reply.statusCode);
      if (reply.statusCode === 409) expect(reply.json().error.code).toBe('sample_deleted');
    }
    const granted = splits.filter((reply) => reply.statusCode === 201).length;
    const [deletedAt] = await auditSeqs('sample.delete', parent.id);
    const splitSeqs = await auditSeqs('sample.split', parent.id);
    expect(splitSeqs).toHaveLength(granted);
    for (const seq of splitSeqs) expect(seq).toBeLessThan(deletedAt as number);
    const { parent: stored, childTotal } = await books(parent.id);
    expect((stored?.quantity ?? 0) + childTotal).toBe(100);
    expect(stored?.quantity).toBe(100 - granted);
  });
});

describe('concurrent registration of one business id (PostgreSQL)', () => {
  it.runIf(onPostgres)('creates it once and answers every other attempt 409, never 500', async () => {
    const sampleId = newId('RACE');
    const single = Array.from({ length: 12 }, () =>
      call('POST', '/api/samples', { sample_id: sampleId, sample_type: 'serum', quantity: 1, unit: 'mL' }),
    );
    const bulk = Array.from({ length: 6 }, (_, index) =>
      call('POST', '/api/samples/bulk', [
        { sample_id: newId(`RACE-OWN${index}`), sample_type: 'serum', quantity: 1, unit: 'mL' },
        { sample_id: sampleId, sample_type: 'serum', quantity: 1, unit: 'mL' },
      ]),
    );
    const replies = await Promise.all([...single, ...bulk]);
    expect(replies.filter((reply) => reply.statusCode === 201)).toHaveLength(1);
    for (const reply of replies.filter((candidate) => candidate.statusCode !== 201)) {
      expect(reply.statusCode, reply.body).toBe(409);
      expect(['samples_exist', 'sample_exists']).toContain(reply.json().error.code);
    }
    const rows = await inLabs(lab.db, [defaultLabId], (tx) =>
      tx
        .selectFrom('samples')
        .select('sample_id')
        .where((eb) => eb.or([eb('sample_id', '=', sampleId), eb('sample_id', 'like', 'RACE-OWN%')]))
        .execute(),
    );
    // Either the single create or one bulk (with its own id) won; a losing bulk left nothing behind.
    const winnerIsBulk = replies.findIndex((reply) => reply.statusCode === 201) >= single.length;
    expect(rows).toHaveLength(winnerIsBulk ? 2 : 1);
  });
});

describe('splits without concurrency (both backends)', () => {
  it('keeps parent plus children equal to the original across many sequential splits', async () => {
    const parent = await newSample(3);
    for (const quantities of [[0.1, 0.2], [0.333333], [0.000001, 0.999999], [0.5]]) {
      const reply = await call('POST', `/api/samples/${parent.id}/split`, {
        children: quantities.map((quantity) => ({ quantity })),
      });
      expect(reply.statusCode, reply.body).toBe(201);
    }
    const { parent: stored, children, childTotal } = await books(parent.id);
    expect(children).toHaveLength(6);
    expect(Math.round(((stored?.quantity ?? 0) + childTotal) * 1e6)).toBe(3_000_000);
    expect(stored?.quantity).toBeCloseTo(0.866667, 6);
  });
});
