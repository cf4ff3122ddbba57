import { signServiceToken } from '@ours/platform/auth';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobEngine, startJobEngine } from '../src/modules/jobs/job-engine.ts';
import { serviceTokenIssuer } from '../src/modules/shared/service-role.ts';
import { asService } from './support/coach-logs.ts';
import { bearer, createUser, testJwtSecret, useTestApp } from './support/test-app.ts';

const t = useTestApp();
let engine: JobEngine;
let service: { authorization: string };

beforeAll(async () => {
  engine = await startJobEngine(t.ctx, pino({ level: 'silent' }), { workers: true });
  t.ctx.jobs = engine;
  service = {
    authorization: `Bearer ${await signServiceToken(testJwtSecret, { issuer: serviceTokenIssuer })}`,
  };
});
afterAll(async () => {
  t.ctx.jobs = undefined;
  await engine.stop();
});

describe('admin job routes', () => {
  it.each([
    ['no token', {}, 401],
    ['a user token', 'user', 403],
    ['a service token signed with another secret', 'forged', 401],
  ] as const)('refuse %s', async (_label, auth, status) => {
    const headers =
      auth === 'user'
        ? bearer(await createUser())
        : auth === 'forged'
          ? {
              authorization: `Bearer ${await signServiceToken('another-secret-that-is-long-enough-000000', { issuer: serviceTokenIssuer })}`,
            }
          : {};
    for (const [method, url] of [
      ['GET', '/admin/jobs'],
      ['POST', '/admin/jobs/check-user-status/run'],
    ] as const) {
      const response = await t.app.inject({
        method,
        url,
        headers,
        payload: method === 'POST' ? {} : undefined,
      });
      expect(response.statusCode).toBe(status);
    }
  });

  it('lists schedules: the per-user local times, the minute tick, and the next default-zone fire times', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/admin/jobs', headers: service });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.time_zone).toBe('Europe/London');
    expect(body.quiet_hours).toBe('22:00-07:00');
    expect(Array.isArray(body.zones)).toBe(true);
    const byName = (name: string) =>
      body.schedules.find((schedule: { name: string }) => schedule.name === name);
    expect(byName('weekly-digest')).toMatchObject({ cron: '0 20 * * 0', time_zone: 'user' });
    expect(byName('check-user-status')).toMatchObject({ cron: '0 8 * * *', time_zone: 'user' });
    expect(byName('local-time-tick')).toMatchObject({ cron: '* * * * *', time_zone: 'Europe/London' });
    expect(byName('weekly-digest').next).toHaveLength(3);
  });

  it('answers a status-check dry run with the zones it would check', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/admin/jobs/check-user-status/run',
      headers: service,
      payload: { date: '2026-11-23', dry_run: true },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ dry_run: true, run: null, candidates: 0, zones: [] });
    expect(response.json().zones_checked).toBeGreaterThanOrEqual(1);
  });

  it('queues a run (202) that the workers carry out and record', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/admin/jobs/check-user-status/run',
      headers: service,
      payload: { date: '2026-11-23' },
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ queued: true, name: 'check-user-status', date: '2026-11-23' });
    const deadline = Date.now() + 20_000;
    let runs: { trigger: string; status: string }[] = [];
    while (Date.now() < deadline) {
      runs = await asService(t.db, (tx) =>
        tx
          .selectFrom('job_runs')
          .select(['trigger', 'status'])
          .where('name', '=', 'check-user-status')
          .where('slot', '=', '2026-11-23')
          .execute(),
      );
      if (runs.some((run) => run.status !== 'running')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(runs).toEqual([{ trigger: 'api', status: 'success' }]);
    const listed = (await t.app.inject({ method: 'GET', url: '/admin/jobs', headers: service })).json();
    // The minute tick may have recorded its own run since: look the manual one up by its slot.
    expect(listed.recent).toContainEqual(
      expect.objectContaining({ name: 'check-user-status', slot: '2026-11-23', trigger: 'api' }),
    );
  });

  it('answers a dry run directly without writing', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/admin/jobs/weekly-digest/run',
      headers: service,
      payload: { week: '2026-W47', dry_run: true },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      dry_run: true,
      name: 'weekly-digest',
      week: '2026-W47',
      pending: 0,
    });
  });

  it.each([
    ['/admin/jobs/reboot-server/run', {}, 404, 'job_not_found'],
    ['/admin/jobs/weekly-digest/run', { week: '2025-W53' }, 400, 'invalid_week'],
    ['/admin/jobs/weekly-digest/run', { week: 'last week' }, 400, 'validation_failed'],
    ['/admin/jobs/check-user-status/run', { date: '2026-02-30' }, 400, 'invalid_date'],
    ['/admin/jobs/check-user-status/run', { when: 'now' }, 400, 'validation_failed'],
  ])('refuses %s %j with %s %s', async (url, payload, status, code) => {
    const response = await t.app.inject({ method: 'POST', url, headers: service, payload });
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
  });

  it('exports the latest run of each job as metrics', async () => {
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /coach_job_last_run_timestamp_seconds\{job="check-user-status",status="success"\} \d+/,
    );
    expect(metrics).toMatch(/coach_job_last_run_items\{job="check-user-status",outcome="total"\} \d+/);
  });
});

describe('abandoned runs', () => {
  it('closes a run left running for hours when the next run of that job starts', async () => {
    const stale = await asService(t.db, (tx) =>
      tx
        .insertInto('job_runs')
        .values({
          name: 'memory-retention',
          slot: '2026-01-01',
          started_at: sql<string>`now() - interval '7 hours'`,
        })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
    const { pruneMemories } = await import('../src/modules/memory/memory-jobs.ts');
    await pruneMemories(t.ctx, 'manual');
    const row = await asService(t.db, (tx) =>
      tx.selectFrom('job_runs').select(['status', 'error']).where('id', '=', stale.id).executeTakeFirst(),
    );
    expect(row).toMatchObject({ status: 'failed', error: expect.stringMatching(/abandoned/) });
  });
});
