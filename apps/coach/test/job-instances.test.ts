import { postgresDatabase } from '@ours/platform/db';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/create-context.ts';
import type { CoachDatabase, CoachSchema } from '../src/db/coach-database.ts';
import { type JobEngine, startJobEngine } from '../src/modules/jobs/job-engine.ts';
import { asService } from './support/coach-logs.ts';
import { useTestApp } from './support/test-app.ts';

const t = useTestApp();
const onServer = process.env.TEST_DB === 'postgres';

// Two instances, each with its own pg-boss and its own connection pool, as two processes would be.
describe.runIf(onServer)('two instances on one PostgreSQL database', () => {
  const engines: JobEngine[] = [];
  let secondDb: CoachDatabase;

  beforeAll(async () => {
    if (t.db.connection.kind !== 'postgres') return;
    secondDb = postgresDatabase<CoachSchema>(t.db.connection.url, 'authenticator', 3);
    const secondCtx = await createContext(t.ctx.config, { db: secondDb });
    const options = {
      workers: true,
      schedules: { 'local-time-tick': '* * * * *' },
      cronMonitorIntervalSeconds: 1,
    };
    for (const ctx of [t.ctx, secondCtx])
      engines.push(await startJobEngine(ctx, pino({ level: 'silent' }), options));
  });
  afterAll(async () => {
    for (const engine of engines) await engine.stop();
    await secondDb?.close();
  });

  it('run each scheduled slot once', async () => {
    // The minute tick (which runs the per-user local-time jobs) is the schedule that fires every
    // minute: pg-boss must hand each of its slots to one instance only.
    const ticks = async () => {
      const { rows } = await sql<{ minute: string; runs: number }>`
        select to_char(date_trunc('minute', created_on), 'HH24:MI') as minute, count(*)::int as runs
        from pgboss.job where name = 'local-time-tick' group by 1 order by 1`.execute(t.db.kysely);
      return rows;
    };
    const deadline = Date.now() + 80_000;
    while ((await ticks()).length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 500));
    // Give a duplicate (if any) every chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const perMinute = await ticks();
    expect(perMinute.length).toBeGreaterThanOrEqual(1);
    for (const slot of perMinute) expect(slot.runs).toBe(1);
    // Whatever the first tick found due ran once: never two runs for one tick.
    const runs = await asService(t.db, (tx) =>
      tx
        .selectFrom('job_runs')
        .select(({ fn }) => ['slot', fn.countAll<number>().as('runs')])
        .where('name', '=', 'check-user-status')
        .where('trigger', '=', 'schedule')
        .groupBy('slot')
        .execute(),
    );
    for (const run of runs) expect(run.runs).toBe(1);
  }, 100_000);
});
