import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp();
let admin: TestAccount;
let otherLabId: string;

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
  lab.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

beforeAll(async () => {
  admin = await lab.user(['admin']);
  const created = await api('POST', '/api/admin/labs', admin.token, { code: 'NORTH', name: 'North site' });
  expect(created.statusCode).toBe(201);
  otherLabId = created.json().id;
});

describe('sites and lab membership', () => {
  it('starts with a default organization and lab that new accounts join', async () => {
    const user = await lab.user(['technician']);
    expect(user.lab_ids).toEqual([defaultLabId]);
    const mine = await api('GET', '/api/labs', user.token);
    expect(mine.json()).toEqual([
      expect.objectContaining({ id: defaultLabId, code: 'MAIN', organization_name: 'Default organization' }),
    ]);
  });

  it('refuses a duplicate lab code and an unknown organization', async () => {
    const again = await api('POST', '/api/admin/labs', admin.token, { code: 'NORTH', name: 'Again' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('lab_code_taken');
    const orphan = await api('POST', '/api/admin/labs', admin.token, {
      code: 'ORPHAN',
      name: 'x',
      organization_id: '7d3f2c1e-0000-4000-8000-000000000000',
    });
    expect(orphan.statusCode).toBe(404);
  });

  it("shows and changes only the caller's labs' records", async () => {
    const north = await lab.user(['admin']);
    await api('POST', `/api/admin/users/${north.id}/labs`, admin.token, {
      lab_id: otherLabId,
      reason: 'moved',
    });
    await api('DELETE', `/api/admin/users/${north.id}/labs/${defaultLabId}`, admin.token, {
      reason: 'moved',
    });
    const main = await lab.user(['admin']);
    const created = await api('POST', '/api/sites/nodes', north.token, { hostname: 'north-pc-1' });
    expect(created.statusCode).toBe(201);
    expect(created.json().lab_id).toBe(otherLabId);
    expect((await api('GET', '/api/sites/nodes', main.token)).json()).toEqual([]);
    expect((await api('GET', '/api/sites/nodes', north.token)).json()).toHaveLength(1);
    const intoOther = await api('POST', '/api/sites/nodes', main.token, {
      hostname: 'x-1',
      lab_id: otherLabId,
    });
    expect(intoOther.statusCode).toBe(403);
    expect(intoOther.json().error.code).toBe('lab_forbidden');
    const hubOnForeignNode = await api('POST', '/api/sites/hubs', main.token, {
      name: 'gateway',
      node_id: created.json().id,
    });
    expect(hubOnForeignNode.statusCode).toBe(404);
  });

  it('is enforced by the database too: row-level security hides and refuses other labs', async () => {
    await inLabs(lab.db, [otherLabId], async (tx) => {
      const node = await tx
        .insertInto('nodes')
        .values({ lab_id: otherLabId, hostname: 'rls-check' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await lab.ctx.audit.append(tx, {
        actor_id: null,
        actor_email: 'system:test',
        request_id: null,
        client_ip: null,
        action: 'node.create',
        entity_type: 'node',
        entity_id: node.id,
        before: null,
        after: null,
        reason: null,
      });
    });
    const seen = await inLabs(lab.db, [defaultLabId], (tx) =>
      tx.selectFrom('nodes').selectAll().where('hostname', '=', 'rls-check').execute(),
    );
    expect(seen).toHaveLength(0);
    await expect(
      inLabs(lab.db, [defaultLabId], (tx) =>
        tx.insertInto('nodes').values({ lab_id: otherLabId, hostname: 'sneaky' }).execute(),
      ),
    ).rejects.toThrow();
    const unscoped = await lab.db.transaction((tx) => tx.selectFrom('nodes').selectAll().execute());
    expect(unscoped).toHaveLength(0);
  });

  it('needs a lab when the caller belongs to several', async () => {
    const both = await lab.user(['admin']);
    await api('POST', `/api/admin/users/${both.id}/labs`, admin.token, { lab_id: otherLabId });
    const response = await api('POST', '/api/sites/hubs', both.token, { name: 'which one' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('lab_required');
  });
});
