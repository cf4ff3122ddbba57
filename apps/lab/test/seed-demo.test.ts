import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadPrincipal } from '../src/modules/access/index.ts';
import { checkPassword } from '../src/modules/accounts/password-policy.ts';
import { verifyChain } from '../src/modules/audit/audit-verifier.ts';
import { seedDemo } from '../src/modules/demo/seed-demo.ts';
import { projects } from '../src/modules/samples/organisers.service.ts';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { bearer, type LabTestApp, startLabApp, useLabApp } from './support/lab-app.ts';
import { revokeRolePermission } from './support/role-changes.ts';

const lab = useLabApp();

/** A lab of its own for one test (this file's lab is seeded by another). */
async function withOwnLab(fn: (own: LabTestApp) => Promise<void>) {
  const own = await startLabApp();
  try {
    await fn(own);
  } finally {
    await own.close();
  }
}

describe('seed-demo', () => {
  it('needs an administrator first', async () => {
    await expect(seedDemo(lab.ctx)).rejects.toThrow(/administrator/);
  });

  it('fills the main lab with samples and lineage, inventory, devices and the approved demo workflow, audited, once', {
    timeout: 120_000,
  }, async () => {
    const seeder = await lab.user(['admin']);
    const summary = await seedDemo(lab.ctx);
    const { counts } = summary;
    expect(counts.samples).toBe(300);
    expect(counts.aliquots).toBeGreaterThanOrEqual(300);
    const rows = await inLabs(lab.db, [defaultLabId], async (tx) => {
      const { rows } = await sql<{ samples: number; links: number; deepest: number }>`
        select (select count(*) from samples) as samples, (select count(*) from sample_lineage) as links,
          (select count(*) from sample_lineage l join sample_lineage p on p.child_id = l.parent_id) as deepest`.execute(
        tx,
      );
      return rows[0];
    });
    expect(rows?.samples).toBe(300 + (counts.aliquots ?? 0));
    expect(rows?.deepest).toBeGreaterThan(0);

    // Inventory: lots near expiry and items short of stock show in the live reports.
    const operator = await lab.user(['admin']);
    const get = async (url: string) => {
      const response = await lab.app.inject({ method: 'GET', url, headers: bearer(operator.token) });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };
    const report = async (url: string) => {
      const body = await get(url);
      return (body.items ?? body.lots) as { code?: string; lot_number?: string }[];
    };
    expect(counts).toMatchObject({
      vendors: 3,
      items: 12,
      overdue_devices: 1,
      devices: 6,
      simulated_instruments: 2,
      workflows: 1,
      demo_users: 1,
    });
    expect(counts.lots_near_expiry).toBeGreaterThan(0);
    expect(await report('/api/inventory/alerts/expiring?days=30')).toHaveLength(
      counts.lots_near_expiry ?? -1,
    );
    expect((await report('/api/inventory/alerts/low-stock')).map((row) => row.code)).toEqual(
      expect.arrayContaining(['DEMO-EDTA-TUBE', 'DEMO-PIPETTE-TIP']),
    );
    // Devices: exactly one overdue, and it is refused for use.
    const overdue = await report('/api/calibration/overdue');
    expect(overdue).toHaveLength(1);
    const refused = await lab.app.inject({
      method: 'POST',
      url: '/api/devices/DEMO-FRZ-01/usage',
      headers: bearer(operator.token),
      payload: { purpose: 'try it' },
    });
    expect(refused.json().error.code).toBe('device_not_calibrated');

    // The demo workflow: authored by the seeding admin, approved by the second demo user, whose
    // one-time password signs in; the instruments have drivers and are usable now.
    expect(summary.workflow).toEqual({
      name: 'crystallization-monitoring',
      version: 1,
      status: 'approved',
      approved_by: 'demo-approver@lab.example',
      devices: { daq: 'DEMO-DAQ-01', raman: 'DEMO-RAMAN-01' },
    });
    const password = summary.approver?.password ?? '';
    expect(summary.approver).toMatchObject({ email: 'demo-approver@lab.example', role: 'compliance' });
    expect(checkPassword(password, 'demo-approver@lab.example')).toEqual([]);
    expect((await lab.login('demo-approver@lab.example', password)).access_token).toBeTruthy();
    const version = await get('/api/workflows/crystallization-monitoring/versions/1');
    expect(version).toMatchObject({ status: 'approved', author_id: seeder.id });
    expect(version.approved_by).not.toBe(seeder.id);
    const signature = await get(`/api/signatures/${version.approval_signature_id}/verify`);
    expect(signature).toMatchObject({
      signature_valid: true,
      record_unchanged: true,
      signature: {
        meaning: 'approved',
        signer_id: version.approved_by,
        reason: expect.stringMatching(/demo seeder/),
      },
    });
    for (const id of ['DEMO-DAQ-01', 'DEMO-RAMAN-01']) {
      expect(await get(`/api/devices/${id}`)).toMatchObject({
        in_service: true,
        calibration_state: 'valid',
        driver: id === 'DEMO-DAQ-01' ? 'sim-daq' : 'sim-raman',
        driver_settings: expect.objectContaining({ seed: expect.any(Number) }),
      });
    }
    // The password is nowhere on record in clear.
    const {
      rows: [leaks],
    } = await sql<{ count: number }>`
      select count(*)::int as count from audit_entries
      where position(${password} in coalesce(before::text, '') || coalesce(after::text, '') || coalesce(reason, '')) > 0`.execute(
      lab.db.kysely,
    );
    expect(leaks?.count).toBe(0);

    await expect(seedDemo(lab.ctx)).rejects.toThrow(/already/);
    expect((await lab.db.transaction((tx) => verifyChain(tx, { macKey: lab.ctx.auditMacKey }))).valid).toBe(
      true,
    );
  });

  it('gives a lab seeded before the demo workflow existed just the workflow and its instruments', async () => {
    await withOwnLab(async (own) => {
      const admin = await own.user(['admin']);
      const principal = await loadPrincipal(own.db.kysely, admin.id);
      if (!principal) throw new Error('no principal');
      // What an earlier seed-demo left: its project (the rest of its records do not matter here).
      await projects.create(
        own.ctx,
        principal,
        { code: 'DEMO-COHORT', name: 'Demo cohort study' },
        { actor_id: admin.id, actor_email: admin.email, request_id: null, client_ip: null },
      );
      const steps: string[] = [];
      const summary = await seedDemo(own.ctx, {
        onStep: (step, index, total) => steps.push(`${index}/${total} ${step}`),
      });
      expect(steps).toEqual([expect.stringMatching(/^1\/1 the demo workflow/)]);
      expect(summary.counts).toEqual({
        simulated_instruments: 2,
        instrument_calibrations: 2,
        workflows: 1,
        demo_users: 1,
      });
      expect(summary.workflow?.status).toBe('approved');
      await expect(seedDemo(own.ctx)).rejects.toThrow(/already/);
    });
  });

  it('refuses before adding anything when the compliance role no longer approves workflows', async () => {
    await withOwnLab(async (own) => {
      await own.user(['admin']);
      // An operator took the default away, audited as any role change is.
      await revokeRolePermission(own, 'compliance', 'workflows:approve', 'approvals by QA only');
      await expect(seedDemo(own.ctx)).rejects.toMatchObject({ code: 'demo_approver_role' });
      const devices = await own.db.kysely
        .selectFrom('devices')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      expect(devices.count).toBe(0);
    });
  });
});
