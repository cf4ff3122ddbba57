import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobName } from '../src/modules/jobs/job-runs.repository.ts';
import { type LabJobs, startLabJobs } from '../src/modules/jobs/lab-jobs.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';
import { asSuperuser } from './support/superuser.ts';

const lab = useLabApp();
let jobs: LabJobs;
let admin: TestAccount;

const runs = (name: JobName) =>
  lab.db.kysely.selectFrom('job_runs').selectAll().where('name', '=', name).orderBy('started_at').execute();

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, seconds = 30): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  admin = await lab.user(['admin']);
  jobs = await startLabJobs(lab.ctx, lab.app.log, { workers: true });
  lab.ctx.jobs = jobs;
});
afterAll(async () => {
  await jobs?.stop();
  lab.ctx.jobs = undefined;
});

describe('the lab jobs on pg-boss', () => {
  it('runs each job once at start and records the runs', async () => {
    for (const name of ['audit-checkpoint', 'inventory-alerts'] as const) {
      const recorded = await until(
        () => runs(name),
        (rows) => rows.some((row) => row.status !== 'running'),
      );
      expect(recorded[0]).toMatchObject({ trigger: 'start', status: 'success', error: null });
    }
    // A fresh chain has no checkpoint yet: the start-up run signs the first one.
    expect((await runs('audit-checkpoint'))[0]?.details).toMatchObject({ signed: true });
  });

  it('shows schedules in London time, the latest and recent runs to an administrator', async () => {
    const response = await lab.app.inject({
      method: 'GET',
      url: '/api/admin/jobs',
      headers: bearer(admin.token),
    });
    expect(response.statusCode).toBe(200);
    const overview = response.json();
    expect(overview.time_zone).toBe('Europe/London');
    expect(overview.schedules).toEqual([
      expect.objectContaining({ name: 'audit-checkpoint', cron: '* * * * *' }),
      expect.objectContaining({ name: 'inventory-alerts', cron: '0 6 * * *' }),
    ]);
    const [nextAlerts] = overview.schedules[1].next;
    expect(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/London',
        hour: '2-digit',
        minute: '2-digit',
      }).format(new Date(nextAlerts)),
    ).toBe('06:00');
    expect(overview.latest.map((run: { name: string }) => run.name).sort()).toEqual([
      'audit-checkpoint',
      'inventory-alerts',
    ]);
  });

  it('queues a run on demand, and reports job health in /metrics', async () => {
    const before = (await runs('inventory-alerts')).length;
    const queued = await lab.app.inject({
      method: 'POST',
      url: '/api/admin/jobs/inventory-alerts/run',
      headers: bearer(admin.token),
    });
    expect(queued.statusCode).toBe(202);
    expect(queued.json().queued).toBe(true);
    const after = await until(
      () => runs('inventory-alerts'),
      (rows) => rows.length > before && rows.at(-1)?.status !== 'running',
    );
    expect(after.at(-1)).toMatchObject({ trigger: 'manual', status: 'success' });
    const metrics = await lab.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(
      /lab_job_last_run_timestamp_seconds\{job="inventory-alerts",status="success"\} \d+/,
    );
  });

  it('refuses the job routes to anyone without jobs:manage', async () => {
    const scientist = await lab.user(['scientist']);
    for (const [method, url] of [
      ['GET', '/api/admin/jobs'],
      ['POST', '/api/admin/jobs/audit-checkpoint/run'],
    ] as const) {
      expect((await lab.app.inject({ method, url, headers: bearer(scientist.token) })).statusCode).toBe(403);
    }
  });

  it('records a checkpoint run that finds the trail broken as failed, and signs nothing', async () => {
    await lab.user([]); // one more entry after the first checkpoint
    await asSuperuser(
      lab.db,
      `ALTER TABLE audit_entries DISABLE TRIGGER USER;
       UPDATE audit_entries SET reason = 'rewritten' WHERE seq = (SELECT max(seq) FROM audit_entries);
       ALTER TABLE audit_entries ENABLE TRIGGER USER`,
    );
    const checkpoints = () => lab.db.kysely.selectFrom('audit_checkpoints').select('seq').execute();
    const signedBefore = (await checkpoints()).length;
    // Due whatever the interval: a day later.
    lab.clock.advance(25 * 3_600_000);
    const before = (await runs('audit-checkpoint')).length;
    await jobs.send('audit-checkpoint', 'manual');
    const after = await until(
      () => runs('audit-checkpoint'),
      (rows) =>
        rows.some((row, index) => index >= before && row.trigger === 'manual' && row.status !== 'running'),
    );
    const manual = after.find((row, index) => index >= before && row.trigger === 'manual');
    expect(manual).toMatchObject({ status: 'failed' });
    expect(manual?.error).toMatch(
      /content does not match its hash: no checkpoint is signed over a broken trail/,
    );
    expect((await checkpoints()).length).toBe(signedBefore);
  });
});
