import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { insertPending, pendingEntries } from '../src/modules/audit/audit-pending.ts';
import { startAuditSealing } from '../src/modules/audit/audit-sealing.ts';
import { useLabApp } from './support/lab-app.ts';

const lab = useLabApp();

describe('entries a dead server left pending', () => {
  it('are sealed by a running server within a few seconds, chained and verified', async () => {
    const stop = await startAuditSealing(lab.ctx, pino({ level: 'silent' }));
    onTestFinished(stop);
    // What a server that died between its commit and its seal leaves behind: a committed pending
    // entry (inserted straight, so no request of this server waits to seal it), a while ago.
    const [orphan] = pendingEntries(
      lab.ctx.auditMacKey,
      [
        {
          actor_id: null,
          actor_email: 'system:test',
          action: 'sample.update',
          entity_type: 'sample',
          entity_id: 'ORPHAN-1',
          before: { unit: 'mL' },
          after: { unit: 'µL' },
          reason: 'left behind',
          request_id: null,
          client_ip: null,
        },
      ],
      new Date(Date.now() - 10_000),
    );
    await lab.db.kysely.transaction().execute((tx) => insertPending(tx, [orphan!]));
    const sealed = async () =>
      lab.db.kysely
        .selectFrom('audit_entries')
        .select(['seq', 'action', 'entity_id'])
        .where('pending_id', '=', orphan!.id)
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
