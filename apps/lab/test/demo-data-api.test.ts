import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../src/modules/audit/audit-verifier.ts';
import { bearer, useLabApp } from './support/lab-app.ts';

const lab = useLabApp();
const url = '/api/admin/demo-data';

describe('POST /api/admin/demo-data', () => {
  it('is refused to anyone without users:manage', async () => {
    const scientist = await lab.user(['scientist']);
    const response = await lab.app.inject({ method: 'POST', url, headers: bearer(scientist.token) });
    expect(response.statusCode).toBe(403);
  });

  it('is refused to an administrator outside the main lab, which the demo data goes into', async () => {
    const { account } = await lab.outsider(['admin']);
    const response = await lab.app.inject({ method: 'POST', url, headers: bearer(account.token) });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('main_lab_required');
  });

  it('adds the demo data once on a running lab, audited under the caller; asking again adds nothing', {
    timeout: 180_000,
  }, async () => {
    const admin = await lab.user(['admin']);
    // Two requests at once: one seeds, the other waits for it and adds nothing.
    const [first, second] = await Promise.all(
      [1, 2].map(() => lab.app.inject({ method: 'POST', url, headers: bearer(admin.token) })),
    );
    const replies = [first, second].sort((a, b) => (a?.statusCode ?? 0) - (b?.statusCode ?? 0));
    expect(replies.map((reply) => reply?.statusCode)).toEqual([200, 201]);
    expect(replies[0]?.json()).toEqual({ added: false, counts: {} });
    const added = replies[1]?.json();
    expect(added).toMatchObject({
      added: true,
      counts: { samples: 300, devices: 6, simulated_instruments: 2, workflows: 1 },
      workflow: { name: 'crystallization-monitoring', status: 'approved' },
      approver: { email: 'demo-approver@lab.example', password: expect.any(String) },
    });

    const again = await lab.app.inject({ method: 'POST', url, headers: bearer(admin.token) });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ added: false, counts: {} });

    const {
      rows: [attribution],
    } = await sql<{ actors: string[]; request_ids: string[] }>`
      select array_agg(distinct actor_email) as actors, array_agg(distinct request_id) as request_ids
      from audit_entries where action like 'sample.%' and after->>'sample_id' like 'DEMO-%'`.execute(
      lab.db.kysely,
    );
    expect(attribution?.actors).toEqual([admin.email]);
    expect(attribution?.request_ids).toEqual([replies[1]?.headers['x-request-id']]);
    // The workflow is the caller's; its approval is the demo approver's own act, in the same request.
    const { rows: workflowEntries } = await sql<{ action: string; actor_email: string; request_id: string }>`
      select action, actor_email, request_id from audit_entries
      where action like 'workflow%' or (action = 'signature.create' and entity_type = 'workflow_version')
      order by seq`.execute(lab.db.kysely);
    expect(workflowEntries.map((entry) => [entry.action, entry.actor_email])).toEqual([
      ['workflow.create', admin.email],
      ['workflow_version.create', admin.email],
      ['workflow_version.submit', admin.email],
      ['signature.create', added.approver.email],
      ['workflow_version.approve', added.approver.email],
    ]);
    expect(new Set(workflowEntries.map((entry) => entry.request_id))).toEqual(
      new Set([replies[1]?.headers['x-request-id']]),
    );
    expect((await lab.db.transaction((tx) => verifyChain(tx, { macKey: lab.ctx.auditMacKey }))).valid).toBe(
      true,
    );
  });
});
