import { queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../src/modules/audit/audit-verifier.ts';
import { seedDemo } from '../src/modules/demo/seed-demo.ts';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { useLabApp } from './support/lab-app.ts';

const lab = useLabApp();

describe('seed-demo', () => {
  it('needs an administrator first', async () => {
    await expect(seedDemo(lab.ctx)).rejects.toThrow(/administrator/);
  });

  it('fills the main lab with samples and lineage, audited, once', { timeout: 120_000 }, async () => {
    await lab.user(['admin']);
    const summary = await seedDemo(lab.ctx);
    expect(summary.samples).toBe(300);
    expect(summary.aliquots).toBeGreaterThanOrEqual(300);
    const [counts] = await inLabs(lab.db, [defaultLabId], (tx) =>
      queryRows<{ samples: number; links: number; deepest: number }>(
        tx,
        sql`select (select count(*)::int from samples) as samples, (select count(*)::int from sample_lineage) as links,
              (select count(*)::int from sample_lineage l join sample_lineage p on p.child_id = l.parent_id) as deepest`,
      ),
    );
    expect(counts?.samples).toBe(300 + (summary.aliquots ?? 0));
    expect(counts?.deepest).toBeGreaterThan(0);
    await expect(seedDemo(lab.ctx)).rejects.toThrow(/already/);
    expect((await lab.db.transaction((tx) => verifyChain(tx))).valid).toBe(true);
  });
});
