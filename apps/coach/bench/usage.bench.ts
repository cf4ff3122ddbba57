import { signServiceToken } from '@ours/platform/auth';
import { postgresDatabase } from '@ours/platform/db';
import pg from 'pg';
import { pino } from 'pino';
import { buildApp } from '../src/app.ts';
import { envToConfig } from '../src/config.ts';
import { closeContext, createContext } from '../src/create-context.ts';
import type { CoachSchema } from '../src/db/coach-database.ts';
import { serviceTokenIssuer } from '../src/modules/shared/service-role.ts';
import { runUsageRollup } from '../src/modules/usage/index.ts';
import { createBenchDatabase } from './bench-database.ts';
import { loadAverage, printReport } from './bench-report.ts';

/**
 * GET /admin/usage over a month of a busy app: 10,000,000 ai_coach_logs rows from 50,000 users over
 * 30 days on PostgreSQL, rollups built by the rollup job's own code, then p50/p99 of the default
 * 30-day range for each group_by over HTTP (4 clients). BENCH_SCALE shrinks the rows (e.g. 0.1).
 */
const scale = Number(process.env.BENCH_SCALE ?? 1);
const rowCount = Math.round(10_000_000 * scale);
const userCount = 50_000;
const days = 30;
const requestsPerGroup = Number(process.env.BENCH_REQUESTS ?? 200);
const clients = Number(process.env.BENCH_CLIENTS ?? 4);
const secret = 'bench-secret-that-is-long-enough-0123456789';

// BENCH_REUSE_DATABASE=<name> (with BENCH_KEEP_DATABASE=1 on the run that seeded it) measures an
// already seeded and rolled-up database again, without migrating it.
const reuse = process.env.BENCH_REUSE_DATABASE;
const database = reuse
  ? {
      adminUrl: `postgres://postgres@127.0.0.1:5432/${reuse}`,
      runtimeUrl: `postgres://authenticator@127.0.0.1:5432/${reuse}`,
      drop: async () => {},
    }
  : await createBenchDatabase('coach_usage_bench');
const env = {
  DATABASE_URL: database.runtimeUrl,
  DATABASE_ADMIN_URL: database.adminUrl,
  JWT_SECRET: secret,
  JOBS_ENABLED: 'false',
  LOG_LEVEL: 'warn',
  COACH_TIMEZONE: 'Europe/London',
  // The clients share this process's event loop: load shedding would measure them, not the coach.
  MAX_EVENT_LOOP_DELAY_MS: '0',
};
const ctx = await createContext(
  envToConfig(env),
  reuse ? { db: postgresDatabase<CoachSchema>(database.runtimeUrl, 'authenticator') } : {},
);
const admin = new pg.Client({ connectionString: database.adminUrl });
await admin.connect();
const lines: string[] = [];
const seconds = (ms: number) => (ms / 1000).toFixed(1);

try {
  if (reuse) {
    const state = await admin.query(`select max(covered_until) as at from usage_rollup_state`);
    ctx.now = () => new Date(new Date(state.rows[0].at).getTime() + 60_000);
  } else {
    const end = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const start = new Date(end.getTime() - days * 86_400_000);
    const seedStart = performance.now();
    await admin.query(`
    insert into model_prices (model, input_per_million, output_per_million, cached_input_per_million, effective_from)
      values ('gpt-4o', 2.5, 10, 1.25, '2020-01-01'), ('gpt-4o-mini', 0.15, 0.6, 0.075, '2020-01-01');
    create unlogged table bench_users (n int primary key, id uuid not null);
    insert into bench_users select n, gen_random_uuid() from generate_series(0, ${userCount - 1}) n;
    insert into auth.users (id, email) select id, 'u' || n || '@bench.test' from bench_users;`);
    // Bulk load as the owner with triggers off (the pricing trigger and FK checks): the same cost
    // formula written out, prices constant. Users are skewed (a few heavy users, a long tail).
    const chunk = 1_000_000;
    for (let offset = 0; offset < rowCount; offset += chunk) {
      const size = Math.min(chunk, rowCount - offset);
      await admin.query(`
      set session_replication_role = replica;
      insert into ai_coach_logs (user_id, session_id, user_message, ai_response, success, model,
        prompt_tokens, completion_tokens, cached_tokens, token_usage, latency_ms, fallback_reason,
        "timestamp", price_id, cost_usd)
      select u.id, 's', 'q', 'a', g.reason is null, g.model, g.prompt, g.completion, g.cached,
        g.prompt + g.completion, g.latency, g.reason, g.at,
        p.id, case when p.id is null then null else ((g.prompt - g.cached) * p.input_per_million
          + g.cached * p.cached_input_per_million + g.completion * p.output_per_million) / 1000000 end
      from (
        select i, floor(${userCount} * power(random(), 2))::int as n,
          '${start.toISOString()}'::timestamptz + (i + random()) * interval '${(days * 86_400) / rowCount} seconds' as at,
          case when r < 0.85 then 'gpt-4o-mini' when r < 0.96 then 'gpt-4o' when r < 0.97 then 'unpriced-model' end as model,
          case when r >= 0.99 then 'timeout' when r >= 0.98 then 'rate_limited' when r >= 0.97 then 'upstream_error'
            when r >= 0.965 then 'safety_blocked' end as reason,
          case when r < 0.97 then 500 + floor(random() * 2500)::int end as prompt,
          case when r < 0.97 then 50 + floor(random() * 450)::int end as completion,
          case when r < 0.97 then floor(random() * 500)::int end as cached,
          (300 * exp(random() * 3))::int as latency
        from (select i, random() as r from generate_series(${offset}, ${offset + size - 1}) i) s
      ) g
      join bench_users u on u.n = g.n
      left join model_prices p on p.model = g.model;
      set session_replication_role = origin;`);
      process.stdout.write(
        `seeded ${offset + size} rows (${seconds(performance.now() - seedStart)} s, load ${loadAverage()})\n`,
      );
    }
    await admin.query('analyze');
    const seedMs = performance.now() - seedStart;

    // The rollups, as the minute job builds them on its first run (everything since the first row).
    ctx.now = () => end;
    const rollupStart = performance.now();
    await runUsageRollup(ctx, pino({ level: 'warn' }));
    const rollupMs = performance.now() - rollupStart;
    // One steady-state run: the last two closed hours and, as an hour has closed, today's users.
    ctx.now = () => new Date(end.getTime() + 3_600_000);
    const minuteStart = performance.now();
    await runUsageRollup(ctx, pino({ level: 'warn' }));
    const minuteMs = performance.now() - minuteStart;
    ctx.now = () => new Date(end.getTime() + 3_660_000);
    const quietStart = performance.now();
    await runUsageRollup(ctx, pino({ level: 'warn' }));
    const quietMs = performance.now() - quietStart;
    await admin.query('analyze');
    const counts = await admin.query(
      `select (select count(*) from usage_hourly) as hourly, (select count(*) from usage_user_totals) as daily`,
    );
    for (const line of [
      `seeded ${rowCount.toLocaleString('en')} rows, ${userCount.toLocaleString('en')} users, ${days} days: ${seconds(seedMs)} s`,
      `first rollup run (all ${days} days): ${seconds(rollupMs)} s -> ${counts.rows[0].hourly} hourly rows, ${counts.rows[0].daily} user running-total rows`,
      `rollup run after an hour closed (2 hours + today's users): ${(minuteMs / 1000).toFixed(2)} s; a run inside the hour: ${quietMs.toFixed(0)} ms`,
    ]) {
      lines.push(line);
      console.log(`${line} (load ${loadAverage()})`);
    }
  }

  // In this process on the same context: a separate coach process would migrate again at start.
  const app = await buildApp(ctx);
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const token = await signServiceToken(secret, { issuer: serviceTokenIssuer });
    const headers = { authorization: `Bearer ${token}` };
    lines.push(
      '',
      '| group_by | requests | p50 | p99 | max | load (1/5/15 min) |',
      '|---|---|---|---|---|---|',
    );
    for (const groupBy of ['day', 'model', 'user']) {
      const url = `${baseUrl}/admin/usage?group_by=${groupBy}`;
      // Warm-up: plans and the buffer cache, as a live server has them.
      for (let i = 0; i < 5; i++) await (await fetch(url, { headers })).arrayBuffer();
      const times: number[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (next < requestsPerGroup) {
            next += 1;
            const began = performance.now();
            const response = await fetch(url, { headers });
            await response.arrayBuffer();
            if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
            times.push(performance.now() - began);
          }
        }),
      );
      times.sort((a, b) => a - b);
      const at = (q: number) =>
        (times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? 0).toFixed(0);
      lines.push(
        `| ${groupBy} | ${times.length} | ${at(0.5)} ms | ${at(0.99)} ms | ${at(1)} ms | ${loadAverage()} |`,
      );
    }
  } finally {
    await app.close();
  }
  const report = [
    `Coach /admin/usage benchmark (PostgreSQL, ${clients} clients, default 30-day range, ${new Date().toISOString()})`,
    '',
    ...lines,
  ].join('\n');
  await printReport(report);
} finally {
  await admin.end();
  await closeContext(ctx);
  if (!process.env.BENCH_KEEP_DATABASE && !reuse) await database.drop();
}
