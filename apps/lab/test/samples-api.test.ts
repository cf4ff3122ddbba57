import { beforeAll, describe, expect, it } from 'vitest';
import { allowedTransitions, sampleStatuses } from '../src/modules/samples/sample-status.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
let scientist: TestAccount;
let admin: TestAccount;
let sequence = 0;

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: unknown) =>
  lab.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

function newId(prefix = 'S'): string {
  sequence += 1;
  return `${prefix}-${Date.now().toString(36)}-${sequence}`;
}
const sampleBody = (overrides: Record<string, unknown> = {}) => ({
  sample_id: newId(),
  sample_type: 'plasma',
  quantity: 10,
  unit: 'mL',
  ...overrides,
});

beforeAll(async () => {
  scientist = await lab.user(['scientist']);
  admin = await lab.user(['admin']);
});

describe('create and get', () => {
  it('answers 201, then 409 for the same id, and 404 for an unknown one', async () => {
    const body = sampleBody({ metadata: { site: 'ward 3' } });
    const created = await api('POST', '/api/samples', scientist.token, body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      sample_id: body.sample_id,
      status: 'received',
      quantity: 10,
      unit: 'mL',
    });
    const again = await api('POST', '/api/samples', scientist.token, body);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'samples_exist',
      details: { sample_ids: [body.sample_id] },
    });
    const byBusinessId = await api('GET', `/api/samples/${body.sample_id}`, scientist.token);
    expect(byBusinessId.json()).toMatchObject({ id: created.json().id, ancestors: [], descendants: [] });
    const byUuid = await api('GET', `/api/samples/${created.json().id}`, scientist.token);
    expect(byUuid.statusCode).toBe(200);
    expect((await api('GET', '/api/samples/NOPE-1', scientist.token)).statusCode).toBe(404);
  });

  it('refuses bad input with codes: pattern, negative quantity, reserved ids, unknown references', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ sample_id: 'has space' }, 400, 'validation_failed'],
      [{ quantity: -1 }, 400, 'validation_failed'],
      [{ sample_id: 'projects' }, 400, 'reserved_sample_id'],
      [{ container_id: '0e8f6a3c-1111-4222-8333-444455556666' }, 400, 'unknown_reference'],
      [{ status: 'consumed' }, 400, 'validation_failed'],
      [{ parents: ['NOT-THERE'] }, 400, 'unknown_parent'],
    ];
    for (const [override, status, code] of cases) {
      const response = await api('POST', '/api/samples', scientist.token, sampleBody(override));
      expect(response.statusCode, JSON.stringify(override)).toBe(status);
      if (code !== 'validation_failed') expect(response.json().error.code).toBe(code);
    }
  });

  it('needs samples:create: a technician or compliance user gets 403', async () => {
    const technician = await lab.user(['technician']);
    expect((await api('POST', '/api/samples', technician.token, sampleBody())).statusCode).toBe(403);
  });
});

describe('bulk create', () => {
  it('refuses 0 and 101 samples', async () => {
    expect((await api('POST', '/api/samples/bulk', scientist.token, [])).statusCode).toBe(400);
    const many = Array.from({ length: 101 }, () => sampleBody());
    expect((await api('POST', '/api/samples/bulk', scientist.token, many)).statusCode).toBe(400);
  });

  it('refuses duplicates inside the batch or against existing ids, listing them, and creates nothing', async () => {
    const existing = sampleBody();
    await api('POST', '/api/samples', scientist.token, existing);
    const fresh = sampleBody();
    const repeated = await api('POST', '/api/samples/bulk', scientist.token, [fresh, sampleBody(), fresh]);
    expect(repeated.statusCode).toBe(409);
    expect(repeated.json().error).toMatchObject({
      code: 'duplicate_sample_ids',
      details: { sample_ids: [fresh.sample_id] },
    });
    const clash = await api('POST', '/api/samples/bulk', scientist.token, [fresh, existing]);
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.details.sample_ids).toEqual([existing.sample_id]);
    expect((await api('GET', `/api/samples/${fresh.sample_id}`, scientist.token)).statusCode).toBe(404);
  });

  it('creates 100 in one go, in order, each audited', async () => {
    const batch = Array.from({ length: 100 }, () => sampleBody());
    const response = await api('POST', '/api/samples/bulk', scientist.token, batch);
    expect(response.statusCode).toBe(201);
    expect(response.json().map((sample: { sample_id: string }) => sample.sample_id)).toEqual(
      batch.map((sample) => sample.sample_id),
    );
    const history = await api('GET', `/api/samples/${batch[42]?.sample_id}/history`, scientist.token);
    expect(history.json().map((entry: { action: string }) => entry.action)).toEqual(['sample.create']);
  });
});

describe('split into aliquots', () => {
  it('returns N children numbered after the parent, with lineage, and decrements the parent', async () => {
    const parent = (await api('POST', '/api/samples', scientist.token, sampleBody({ quantity: 10 }))).json();
    const split = await api('POST', `/api/samples/${parent.sample_id}/split`, scientist.token, {
      children: [{ quantity: 2 }, { quantity: 3 }, { quantity: 1.5 }],
      reason: 'aliquots for assay',
    });
    expect(split.statusCode).toBe(201);
    const { parent: after, children } = split.json();
    expect(children.map((child: { sample_id: string }) => child.sample_id)).toEqual([
      `${parent.sample_id}.1`,
      `${parent.sample_id}.2`,
      `${parent.sample_id}.3`,
    ]);
    expect(after.quantity).toBe(3.5);
    const more = await api('POST', `/api/samples/${parent.sample_id}/split`, scientist.token, {
      children: [{ quantity: 0.5 }],
    });
    expect(more.json().children[0].sample_id).toBe(`${parent.sample_id}.4`);
    const view = (await api('GET', `/api/samples/${parent.sample_id}?depth=2`, scientist.token)).json();
    expect(view.descendants).toHaveLength(4);
    expect(view.descendants[0]).toMatchObject({ depth: 1, relation: 'aliquot', via: parent.id });
    const child = (await api('GET', `/api/samples/${parent.sample_id}.2`, scientist.token)).json();
    expect(child.ancestors).toEqual([
      expect.objectContaining({ id: parent.id, depth: 1, relation: 'aliquot' }),
    ]);
  });

  it('never gives more than the parent has left (conservation), and consumes an emptied parent', async () => {
    const parent = (await api('POST', '/api/samples', scientist.token, sampleBody({ quantity: 1 }))).json();
    const over = await api('POST', `/api/samples/${parent.id}/split`, scientist.token, {
      children: [{ quantity: 0.6 }, { quantity: 0.5 }],
    });
    expect(over.statusCode).toBe(409);
    expect(over.json().error).toMatchObject({
      code: 'insufficient_quantity',
      details: { available: 1, requested: 1.1 },
    });
    const exact = await api('POST', `/api/samples/${parent.id}/split`, scientist.token, {
      children: [{ quantity: 0.1 }, { quantity: 0.2 }, { quantity: 0.7 }],
    });
    expect(exact.statusCode).toBe(201);
    expect(exact.json().parent).toMatchObject({ quantity: 0, status: 'consumed' });
    const total = exact
      .json()
      .children.reduce((sum: number, child: { quantity: number }) => sum + child.quantity, 0);
    expect(total).toBeCloseTo(1, 9);
    const spent = await api('POST', `/api/samples/${parent.id}/split`, scientist.token, {
      children: [{ quantity: 0.1 }],
    });
    expect(spent.statusCode).toBe(409);
    expect(spent.json().error.code).toBe('sample_spent');
  });

  it('refuses given child ids that exist or repeat', async () => {
    const parent = (await api('POST', '/api/samples', scientist.token, sampleBody())).json();
    const other = (await api('POST', '/api/samples', scientist.token, sampleBody())).json();
    const clash = await api('POST', `/api/samples/${parent.id}/split`, scientist.token, {
      children: [{ sample_id: other.sample_id, quantity: 1 }],
    });
    expect(clash.statusCode).toBe(409);
    const twice = await api('POST', `/api/samples/${parent.id}/split`, scientist.token, {
      children: [
        { sample_id: 'X-TWICE', quantity: 1 },
        { sample_id: 'X-TWICE', quantity: 1 },
      ],
    });
    expect(twice.statusCode).toBe(409);
    expect((await api('GET', `/api/samples/${parent.id}`, scientist.token)).json().quantity).toBe(10);
  });
});

describe('lineage integrity', () => {
  it('takes parents only from samples that existed before the request: no cycles, no deleted parents', async () => {
    const [a, b] = [newId('CYC'), newId('CYC')];
    const cycle = await api('POST', '/api/samples/bulk', scientist.token, [
      sampleBody({ sample_id: a, parents: [b] }),
      sampleBody({ sample_id: b, parents: [a] }),
    ]);
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().error.code).toBe('unknown_parent');
    expect((await api('GET', `/api/samples/${a}`, scientist.token)).statusCode).toBe(404);

    const gone = (await api('POST', '/api/samples', scientist.token, sampleBody())).json();
    await api('DELETE', `/api/samples/${gone.id}`, admin.token, { reason: 'duplicate registration' });
    const orphan = await api(
      'POST',
      '/api/samples',
      scientist.token,
      sampleBody({ parents: [gone.sample_id] }),
    );
    expect(orphan.json().error?.code).toBe('unknown_parent');
  });

  it('refuses reserved child ids, and numbers aliquots past crafted suffixes correctly', async () => {
    const parent = (await api('POST', '/api/samples', scientist.token, sampleBody({ quantity: 10 }))).json();
    const reserved = await api('POST', `/api/samples/${parent.id}/split`, scientist.token, {
      children: [{ sample_id: 'export', quantity: 1 }],
    });
    expect(reserved.json().error?.code).toBe('reserved_sample_id');
    for (const odd of [`${parent.sample_id}.1e21`, `${parent.sample_id}.9007199254740993`]) {
      await api('POST', '/api/samples', scientist.token, sampleBody({ sample_id: odd }));
    }
    const split = await api('POST', `/api/samples/${parent.id}/split`, scientist.token, {
      children: [{ quantity: 1 }, { quantity: 1 }],
    });
    expect(split.statusCode, split.body).toBe(201);
    expect(split.json().children.map((child: { sample_id: string }) => child.sample_id)).toEqual([
      `${parent.sample_id}.1`,
      `${parent.sample_id}.2`,
    ]);
  });

  it('caps a sample at 10^9 so amounts in millionths stay exact', async () => {
    const big = await api('POST', '/api/samples', scientist.token, sampleBody({ quantity: 1e9 + 1 }));
    expect(big.statusCode).toBe(400);
  });
});

describe('status lifecycle', () => {
  it('allows exactly the transitions in the table', async () => {
    for (const from of sampleStatuses) {
      for (const to of sampleStatuses) {
        if (from === to) continue;
        const sample = (await api('POST', '/api/samples', scientist.token, sampleBody())).json();
        const path = {
          received: [],
          in_storage: ['in_storage'],
          in_process: ['in_process'],
          consumed: ['consumed'],
          disposed: ['disposed'],
        }[from];
        for (const step of path) {
          await api('PATCH', `/api/samples/${sample.id}`, scientist.token, { status: step, reason: 'setup' });
        }
        const response = await api('PATCH', `/api/samples/${sample.id}`, scientist.token, {
          status: to,
          reason: 'test',
        });
        const allowed = allowedTransitions[from].includes(to);
        expect(response.statusCode, `${from} -> ${to}`).toBe(allowed ? 200 : 409);
        if (!allowed) expect(response.json().error.code).toBe('invalid_status_transition');
      }
    }
  });

  it('requires a reason and audits only the changed fields', async () => {
    const sample = (await api('POST', '/api/samples', scientist.token, sampleBody())).json();
    const noReason = await api('PATCH', `/api/samples/${sample.id}`, scientist.token, { quantity: 4 });
    expect(noReason.statusCode).toBe(400);
    await api('PATCH', `/api/samples/${sample.id}`, scientist.token, {
      quantity: 4,
      unit: 'mL',
      reason: 'recount',
    });
    const history = (await api('GET', `/api/samples/${sample.id}/history`, scientist.token)).json();
    expect(history.at(-1)).toMatchObject({
      action: 'sample.update',
      before: { quantity: 10 },
      after: { quantity: 4 },
      reason: 'recount',
      actor_id: scientist.id,
    });
  });
});

describe('soft delete', () => {
  it('is for admins, needs a reason, hides the sample from lists, and cannot be undone by update', async () => {
    const sample = (await api('POST', '/api/samples', scientist.token, sampleBody())).json();
    expect(
      (await api('DELETE', `/api/samples/${sample.id}`, scientist.token, { reason: 'x' })).statusCode,
    ).toBe(403);
    expect((await api('DELETE', `/api/samples/${sample.id}`, admin.token, {})).statusCode).toBe(400);
    const deleted = await api('DELETE', `/api/samples/${sample.id}`, admin.token, { reason: 'mislabelled' });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json().deleted_at).toBeTruthy();
    const listed = (await api('GET', `/api/samples?q=${sample.sample_id}`, scientist.token)).json();
    expect(listed.items).toEqual([]);
    const withDeleted = (
      await api('GET', `/api/samples?q=${sample.sample_id}&include_deleted=true`, scientist.token)
    ).json();
    expect(withDeleted.items).toHaveLength(1);
    const revive = await api('PATCH', `/api/samples/${sample.id}`, admin.token, {
      status: 'in_storage',
      reason: 'undo',
    });
    expect(revive.statusCode).toBe(409);
    expect(revive.json().error.code).toBe('sample_deleted');
    expect(
      (await api('DELETE', `/api/samples/${sample.id}`, admin.token, { reason: 'again' })).statusCode,
    ).toBe(404);
  });
});

describe('list', () => {
  it('filters and pages with a keyset cursor, each sample exactly once', async () => {
    const project = (
      await api('POST', '/api/samples/projects', scientist.token, { code: newId('P'), name: 'Cohort A' })
    ).json();
    const batch = Array.from({ length: 7 }, () =>
      sampleBody({ project_id: project.id, sample_type: 'serum' }),
    );
    await api('POST', '/api/samples/bulk', scientist.token, batch);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/samples?project_id=${project.id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await api('GET', query, scientist.token)).json();
      seen.push(...page.items.map((item: { sample_id: string }) => item.sample_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(batch.map((sample) => sample.sample_id).sort());
    const typed = (
      await api('GET', `/api/samples?project_id=${project.id}&sample_type=plasma`, scientist.token)
    ).json();
    expect(typed.items).toEqual([]);
    expect((await api('GET', '/api/samples?cursor=garbage', scientist.token)).statusCode).toBe(400);
    expect((await api('GET', '/api/samples?status=lost', scientist.token)).statusCode).toBe(400);
  });
});

describe('lab isolation', () => {
  it("never shows or changes another lab's samples", async () => {
    const { account: outsider, labId: otherLab } = await lab.outsider(['admin']);
    const mine = (await api('POST', '/api/samples', scientist.token, sampleBody())).json();
    expect((await api('GET', `/api/samples/${mine.id}`, outsider.token)).statusCode).toBe(404);
    expect(
      (await api('PATCH', `/api/samples/${mine.id}`, outsider.token, { quantity: 1, reason: 'x' }))
        .statusCode,
    ).toBe(404);
    expect((await api('GET', `/api/samples?q=${mine.sample_id}`, outsider.token)).json().items).toEqual([]);
    // The same business id may exist in each lab.
    const theirs = await api(
      'POST',
      '/api/samples',
      outsider.token,
      sampleBody({ sample_id: mine.sample_id }),
    );
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().lab_id).toBe(otherLab);
  });
});

describe('signatures on samples', () => {
  it('report the sample changed after an edit', async () => {
    const sample = (await api('POST', '/api/samples', scientist.token, sampleBody())).json();
    const signed = await api('POST', '/api/signatures', scientist.token, {
      record_type: 'sample',
      record_id: sample.id,
      meaning: 'reviewed',
      reason: 'checked label',
      password: scientist.password,
    });
    expect(signed.statusCode).toBe(201);
    const shown = (await api('GET', `/api/samples/${sample.id}`, scientist.token)).json();
    expect(shown.signatures).toEqual([
      expect.objectContaining({ meaning: 'reviewed', printed_name: scientist.full_name }),
    ]);
    const verify = () => api('GET', `/api/signatures/${signed.json().id}/verify`, scientist.token);
    expect((await verify()).json()).toMatchObject({ signature_valid: true, record_unchanged: true });
    await api('PATCH', `/api/samples/${sample.id}`, scientist.token, { quantity: 9, reason: 'spill' });
    expect((await verify()).json()).toMatchObject({ signature_valid: true, record_unchanged: false });
  });

  it("are stored under the sample's uuid when signed by business id, and hidden from other labs", async () => {
    const sample = (await api('POST', '/api/samples', scientist.token, sampleBody())).json();
    const signed = await api('POST', '/api/signatures', scientist.token, {
      record_type: 'sample',
      record_id: sample.sample_id,
      meaning: 'authored',
      reason: 'registered it',
      password: scientist.password,
    });
    expect(signed.json().record_id).toBe(sample.id);
    const listed = await api(
      'GET',
      `/api/signatures?record_type=sample&record_id=${sample.sample_id}`,
      scientist.token,
    );
    expect(listed.json()).toEqual([expect.objectContaining({ id: signed.json().id })]);

    const { account: outsider } = await lab.outsider(['admin']);
    const peek = await api(
      'GET',
      `/api/signatures?record_type=sample&record_id=${sample.id}`,
      outsider.token,
    );
    expect(peek.statusCode).toBe(404);
    expect(peek.json().error.code).toBe('record_not_found');
    const verify = await api('GET', `/api/signatures/${signed.json().id}/verify`, outsider.token);
    expect(verify.statusCode).toBe(404);
    const sign = await api('POST', '/api/signatures', outsider.token, {
      record_type: 'sample',
      record_id: sample.id,
      meaning: 'approved',
      reason: 'not mine',
      password: outsider.password,
    });
    expect(sign.statusCode).toBe(404);
  });
});
