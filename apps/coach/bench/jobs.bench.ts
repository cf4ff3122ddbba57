import { queryAs } from '@ours/platform/db';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { envToConfig } from '../src/config.ts';
import { closeContext, createContext } from '../src/create-context.ts';
import { runDigestNow } from '../src/modules/digest/digest-runner.ts';
import { startJobEngine } from '../src/modules/jobs/job-engine.ts';
import { getRun } from '../src/modules/jobs/job-runs.repository.ts';
import { serviceRole } from '../src/modules/shared/service-role.ts';
import { runStatusCheck, statusWindow } from '../src/modules/status-check/status-check.service.ts';
import { createBenchDatabase } from './bench-database.ts';
import { request, startProcess, stop } from './bench-processes.ts';
import { printReport } from './bench-report.ts';

// @NOTE sizes are the issue's; BENCH_SCALE shrinks them for a quick look (e.g. 0.1).
const scale = Number(process.env.BENCH_SCALE ?? 1);
const digestUsers = Math.round(10_000 * scale);
const statusUsers = Math.round(100_000 * scale);
const concurrency = 50;
const modelDelayMs = 100;
const note = `${Array.from({ length: 150 }, (_, i) => (i % 12 === 0 ? 'Steady' : 'progress')).join(' ')}.`;

const database = await createBenchDatabase('coach_jobs_bench');
const fake = await startProcess<{ baseURL: string }>('./fake-model.process.ts');
await request(fake.child, { behaviour: { kind: 'reply', text: note, delayMs: modelDelayMs } });
const config = envToConfig({
  DATABASE_URL: database.runtimeUrl,
  DATABASE_ADMIN_URL: database.adminUrl,
  DATABASE_POOL_SIZE: '40',
  JWT_SECRET: 'bench-secret-that-is-long-enough-0123456789',
  OPENAI_BASE_URL: fake.ready.baseURL,
  OPENAI_API_KEY: 'bench',
  OPENAI_FALLBACK_MODEL: '',
  DIGEST_CONCURRENCY: String(concurrency),
  LOG_LEVEL: 'warn',
});
const ctx = await createContext(config);
const admin = new pg.Client({ connectionString: database.adminUrl });
await admin.connect();
const rows: string[] = [];
const seconds = (ms: number) => (ms / 1000).toFixed(1);

try {
  // Digest: users active in two weeks (one per method), activity seeded in bulk as the owner.
  await admin.query(`
    insert into auth.users (id, email) select gen_random_uuid(), 'd' || i || '@bench.test' from generate_series(1, ${digestUsers}) i;
    insert into ai_coach_logs (user_id, session_id, user_message, ai_response, "timestamp")
      select id, 's', 'Ran 5k and slept well', 'Well done!', w from auth.users,
        unnest(array['2026-11-18T10:00:00Z'::timestamptz, '2026-11-25T10:00:00Z'::timestamptz]) w;`);

  const engine = await startJobEngine(ctx, pino({ level: 'warn' }), { workers: true });
  const queued = performance.now();
  await engine.send('weekly-digest', { trigger: 'manual', week: '2026-W47' });
  let run = null;
  for (;;) {
    const found = await admin.query(
      `select id from job_runs where slot = '2026-W47' and status <> 'running'`,
    );
    if (found.rows[0]) {
      run = await getRun(queryAs(ctx.db, serviceRole), found.rows[0].id);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const queueMs = performance.now() - queued;
  await engine.stop();

  const direct = performance.now();
  const inProcess = await runDigestNow(ctx, {
    week: '2026-W48',
    trigger: 'manual',
    dryRun: false,
    concurrency,
  });
  const directMs = performance.now() - direct;
  const ideal = (digestUsers * modelDelayMs) / concurrency;
  const directRun = inProcess.dryRun ? null : inProcess.run;
  rows.push(
    `| weekly digest, ${digestUsers} users, queue fan-out (pg-boss) | ${seconds(queueMs)} s | ${seconds(ideal)} s | ${(queueMs / ideal).toFixed(2)} | ${run?.succeeded}/${run?.total} written |`,
    `| weekly digest, ${digestUsers} users, in-process (CLI) | ${seconds(directMs)} s | ${seconds(ideal)} s | ${(directMs / ideal).toFixed(2)} | ${directRun?.succeeded}/${directRun?.total} written |`,
  );

  // Status check: three days of mood logs for every user; about one in ten is stressed on 2+ days.
  await admin.query(`
    insert into auth.users (id, email) select gen_random_uuid(), 's' || i || '@bench.test' from generate_series(1, ${statusUsers}) i;
    insert into mood_logs (user_id, mood, stress, logged_at)
      select u.id,
        case when random() < 0.2 then 3 else 7 end,
        case when random() < 0.2 then 8 else 4 end,
        d + interval '12 hours'
      from auth.users u, unnest(array['2026-11-20'::timestamptz, '2026-11-21', '2026-11-22']) d
      where u.email like 's%';
    analyze;`);
  const setStart = performance.now();
  const setBased = await runStatusCheck(ctx, { date: '2026-11-23', trigger: 'manual' });
  const setMs = performance.now() - setStart;

  // The naive alternative: one query per user, then a nudge for each stressed one.
  const users = (await admin.query(`select id from auth.users where email like 's%'`)).rows as {
    id: string;
  }[];
  const window = statusWindow('2026-11-23', config.jobs.timeZone);
  const loopStart = performance.now();
  let loopNudged = 0;
  const service = queryAs(ctx.db, serviceRole);
  for (const { id } of users) {
    const {
      rows: [days],
    } = await sql<{ n: number }>`
      select count(distinct (logged_at at time zone 'Europe/London')::date) as n from mood_logs
      where user_id = ${id} and logged_at >= ${window.start.toISOString()}::timestamptz
        and logged_at < ${window.end.toISOString()}::timestamptz and (stress >= 7 or mood <= 3)`.execute(
      service,
    );
    if ((days?.n ?? 0) >= 2) {
      loopNudged += 1;
      await service
        .insertInto('coach_notifications')
        .values({ user_id: id, message: 'loop', type: 'ai_coach_proactive' })
        .onConflict((conflict) => conflict.doNothing())
        .execute();
    }
  }
  const loopMs = performance.now() - loopStart;
  rows.push(
    `| status check, ${statusUsers} users x 3 days, one set-based query | ${seconds(setMs)} s | target 5 s | | ${setBased.nudged} nudged |`,
    `| status check, same data, per-user loop | ${seconds(loopMs)} s | | ${(loopMs / setMs).toFixed(1)}x slower | ${loopNudged} stressed found |`,
  );

  const report = [
    `Coach jobs benchmark (PostgreSQL, model delay ${modelDelayMs} ms, concurrency ${concurrency}, ${new Date().toISOString()})`,
    '',
    '| job | wall time | ideal / target | ratio | result |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  await printReport(report);
} finally {
  await admin.end();
  await closeContext(ctx);
  await stop(fake.child);
  await database.drop();
}
