import { describe, expect, it } from 'vitest';
import { seedDemo } from '../src/modules/demo/seed-demo.ts';
import { recordInventoryAlerts } from '../src/modules/inventory/alerts.service.ts';
import { startLabJobs } from '../src/modules/jobs/lab-jobs.ts';
import { defaultLabId, readInLabs } from '../src/modules/sites/index.ts';
import { useRunLab } from './support/run-fixtures.ts';

const { lab, accounts, api, runIn, startedRun } = useRunLab();

describe('GET /api/dashboard', () => {
  it('gives real figures of my labs and the approvals waiting for me, by what I may read', async () => {
    await seedDemo(lab.ctx);
    await recordInventoryAlerts(lab.ctx);
    // The job that verifies the chain and signs a checkpoint runs once at start.
    const jobs = await startLabJobs(lab.ctx, lab.app.log, { workers: true });
    try {
      for (let tries = 0; tries < 200; tries += 1) {
        const run = await lab.db.kysely
          .selectFrom('job_runs')
          .select('status')
          .where('name', '=', 'audit-checkpoint')
          .where('status', '!=', 'running')
          .executeTakeFirst();
        if (run) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await jobs.stop();
    }
    const { id: runId } = await startedRun();
    await runIn(runId, ['waiting_for_approval']);
    const submitted = await api('POST', '/api/workflows', accounts.scientist, {
      definition: {
        ...(await api('GET', '/api/workflows/crystallization-monitoring/versions/1', accounts.admin)).json()
          .definition,
        name: 'dashboard-pending',
      },
    });
    expect(submitted.statusCode).toBe(201);
    await api('POST', '/api/workflows/dashboard-pending/versions/1/submit', accounts.scientist, {});

    const admin = (await api('GET', '/api/dashboard', accounts.admin)).json();
    const samples = await readInLabs(lab.db, [defaultLabId])
      .selectFrom('samples')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(admin.samples.total).toBe(samples.count);
    expect(Object.values(admin.samples.by_status).reduce((a: number, b) => a + Number(b), 0)).toBe(
      samples.count,
    );
    expect(admin.inventory.expiring + admin.inventory.low_stock + admin.inventory.expired).toBeGreaterThan(0);
    expect(admin.calibration).toMatchObject({ overdue: 1, due_soon_days: 14 });
    expect(admin.runs).toMatchObject({ open: 1, by_status: { waiting_for_approval: 1 } });
    expect(admin.audit).toEqual({
      last_checkpoint: { seq: expect.any(Number), signed_at: expect.any(String) },
      last_verification: { status: 'success', finished_at: expect.any(String), error: null },
    });
    expect(admin.my_approvals.workflow_versions).toEqual([
      expect.objectContaining({ workflow: 'dashboard-pending', version: 1 }),
    ]);
    // The demo step is signed by an administrator: it waits for this one.
    expect(admin.my_approvals.run_steps).toEqual([
      expect.objectContaining({ run_id: runId, step_id: 'review', approver_role: 'admin' }),
    ]);

    // The author sees the figures but never their own version to approve, nor a step for admins.
    const author = (await api('GET', '/api/dashboard', accounts.scientist)).json();
    expect(author.samples.total).toBe(samples.count);
    expect(author.my_approvals).toEqual({ workflow_versions: [], run_steps: [] });
    expect(author.audit).toBeNull();

    // Someone with no role sees no figure at all.
    const nobody = await lab.user([]);
    const empty = (await api('GET', '/api/dashboard', nobody)).json();
    expect(empty).toEqual({
      samples: null,
      inventory: null,
      calibration: null,
      runs: null,
      audit: null,
      my_approvals: { workflow_versions: [], run_steps: [] },
    });
    // Another lab's member sees only that lab's (empty) figures.
    const { account: stranger } = await lab.outsider(['admin']);
    const elsewhere = (await api('GET', '/api/dashboard', stranger)).json();
    expect(elsewhere.samples).toEqual({ total: 0, by_status: {} });
    expect(elsewhere.my_approvals).toEqual({ workflow_versions: [], run_steps: [] });
    expect((await lab.app.inject({ method: 'GET', url: '/api/dashboard' })).statusCode).toBe(401);
  });
});
