import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { insertPending, pendingEntries } from '../src/modules/audit/audit-pending.ts';
import { startAuditSealing } from '../src/modules/audit/audit-sealing.ts';
import { useLabApp } from './support/lab-app.ts';

const lab = useLabApp();

/** A committed pending entry that nobody is sealing (inserted straight, outside `db.transaction`). */
async function committedUnsealed(entityId: string, occurredAt: Date) {
  const [entry] = pendingEntries(
    lab.ctx.auditMacKey,
    [
      {
        actor_id: null,
        actor_email: 'system:test',
        action: 'sample.update',
        entity_type: 'sample',
        entity_id: entityId,
        before: { unit: 'mL' },
        after: { unit: 'µL' },
        reason: 'left behind',
        request_id: null,
        client_ip: null,
      },
    ],
    occurredAt,
  );
  if (!entry) throw new Error('no pending entry');
  await lab.db.kysely.transaction().execute((tx) => insertPending(tx, [entry]));
  return entry;
}

describe('entries a dead server left pending', () => {
  it('are sealed by a running server within a few seconds, chained and verified', async () => {
    const stop = await startAuditSealing(lab.ctx, pino({ level: 'silent' }));
    onTestFinished(stop);
    // What a server that died between its commit and its seal leaves behind: a committed pending
    // entry (inserted straight, so no request of this server waits to seal it), a while ago.
    const orphan = await committedUnsealed('ORPHAN-1', new Date(Date.now() - 10_000));
    const sealed = async () =>
      lab.db.kysely
        .selectFrom('audit_entries')
        .select(['seq', 'action', 'entity_id'])
        .where('pending_id', '=', orphan.id)
        .executeTakeFirst();
    await expect.poll(sealed, { timeout: 10_000, interval: 200 }).toMatchObject({ entity_id: 'ORPHAN-1' });
    const left = await lab.db.kysely.selectFrom('audit_pending').select('id').execute();
    expect(left).toEqual([]);
    const response = await lab.app.inject({
      method: 'GET',
      url: '/api/compliance/audit/verify',
      headers: { authorization: `Bearer ${(await lab.user(['admin'])).token}` },
    });
    expect(response.json()).toMatchObject({ valid: true, first_invalid_seq: null });
  });
});

describe('a read of the trail', () => {
  it('shows every entry committed before it, also one whose seal is still to come', async () => {
    // No sealing poll runs here, and the account is made first (its own entries' seal would take the
    // pending one along): only the read itself can bring the entry into the chain.
    const admin = await lab.user(['admin']);
    await committedUnsealed('JUST-COMMITTED-1', new Date());
    const response = await lab.app.inject({
      method: 'GET',
      url: '/api/compliance/audit?entity_id=JUST-COMMITTED-1',
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().items).toEqual([
      expect.objectContaining({ action: 'sample.update', entity_id: 'JUST-COMMITTED-1' }),
    ]);
    const left = await lab.db.kysely.selectFrom('audit_pending').select('id').execute();
    expect(left).toEqual([]);

    await committedUnsealed('JUST-COMMITTED-2', new Date());
    const exported = await lab.app.inject({
      method: 'GET',
      url: '/api/compliance/audit/export?format=json&entity_id=JUST-COMMITTED-2',
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain('JUST-COMMITTED-2');
  });
});
