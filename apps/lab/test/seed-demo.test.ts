import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../src/modules/audit/audit-verifier.ts';
import { seedDemo } from '../src/modules/demo/seed-demo.ts';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { bearer, useLabApp } from './support/lab-app.ts';

const lab = useLabApp();

describe('seed-demo', () => {
  it('needs an administrator first', async () => {
    await expect(seedDemo(lab.ctx)).rejects.toThrow(/administrator/);
  });

  it('fills the main lab with samples and lineage, inventory and devices, audited, once', {
    timeout: 120_000,
  }, async () => {
    await lab.user(['admin']);
    const summary = await seedDemo(lab.ctx);
    expect(summary.samples).toBe(300);
    expect(summary.aliquots).toBeGreaterThanOrEqual(300);
    const counts = await inLabs(lab.db, [defaultLabId], async (tx) => {
      const { rows } = await sql<{ samples: number; links: number; deepest: number }>`
        select (select count(*) from samples) as samples, (select count(*) from sample_lineage) as links,
          (select count(*) from sample_lineage l join sample_lineage p on p.child_id = l.parent_id) as deepest`.execute(
        tx,
      );
      return rows[0];
    });
    expect(counts?.samples).toBe(300 + (summary.aliquots ?? 0));
    expect(counts?.deepest).toBeGreaterThan(0);

    // Inventory: lots near expiry and items short of stock show in the live reports.
    const operator = await lab.user(['admin']);
    const report = async (url: string) => {
      const response = await lab.app.inject({ method: 'GET', url, headers: bearer(operator.token) });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      return (body.items ?? body.lots) as { code?: string; lot_number?: string }[];
    };
    expect(summary).toMatchObject({ vendors: 3, items: 12, overdue_devices: 1, devices: 6 });
    expect(summary.lots_near_expiry).toBeGreaterThan(0);
    expect(await report('/api/inventory/alerts/expiring?days=30')).toHaveLength(
      summary.lots_near_expiry ?? -1,
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

    await expect(seedDemo(lab.ctx)).rejects.toThrow(/already/);
    expect((await lab.db.transaction((tx) => verifyChain(tx, { macKey: lab.ctx.auditMacKey }))).valid).toBe(
      true,
    );
  });
});
