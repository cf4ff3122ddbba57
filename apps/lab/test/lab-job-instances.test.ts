import { postgresDatabase } from '@ours/platform/db';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/create-context.ts';
import type { LabDatabase, LabSchema } from '../src/db/lab-database.ts';
import { type LabJobs, startLabJobs } from '../src/modules/jobs/lab-jobs.ts';
import { useLabApp } from './support/lab-app.ts';

const lab = useLabApp();
const onServer = process.env.TEST_DB === 'postgres';

// Two instances, each with its own pg-boss and its own connection pool, as two processes would be.
describe.runIf(onServer)('two lab instances on one PostgreSQL database', () => {
  const engines: LabJobs[] = [];
  let secondDb: LabDatabase;

  beforeAll(async () => {
    if (lab.db.connection.kind !== 'postgres') return;
    secondDb = postgresDatabase<LabSchema>(lab.db.connection.url, 'lab_app', 3);
    const secondCtx = await createContext(lab.ctx.config, { db: secondDb });
    for (const ctx of [lab.ctx, secondCtx]) {
      engines.push(
        await startLabJobs(ctx, pino({ level: 'silent' }), { workers: true, cronMonitorIntervalSeconds: 1 }),
      );
    }
  });
  afterAll(async () => {
    for (const engine of engines) await engine.stop();
    await secondDb?.close();
  });

  it('run each scheduled slot once, and the start-up run once for both', async () => {
    const perMinute = () =>
      lab.db.kysely
        .selectFrom('job_runs')
        .select(({ fn }) => [
          sql<string>`to_char(date_trunc('minute', started_at), 'HH24:MI')`.as('minute'),
          fn.countAll<number>().as('runs'),
        ])
        .where('name', '=', 'audit-checkpoint')
        .where('trigger', '=', 'schedule')
        .groupBy('minute')
        .orderBy('minute')
        .execute();
    const deadline = Date.now() + 80_000;
    while ((await perMinute()).length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 500));
    // Give a duplicate (if any) every chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const slots = await perMinute();
    expect(slots.length).toBeGreaterThanOrEqual(1);
    for (const slot of slots) expect(slot.runs).toBe(1);
    const starts = await lab.db.kysely
      .selectFrom('job_runs')
      .select(['name'])
      .where('trigger', '=', 'start')
      .execute();
    expect(starts.map((row) => row.name).sort()).toEqual(['audit-checkpoint', 'inventory-alerts']);
  }, 100_000);
});
