import { asRole } from '@ours/platform/db';
import { addDays } from '@ours/platform/time';
import pg from 'pg';
import { envToConfig } from '../src/config.ts';
import { closeContext, createContext } from '../src/create-context.ts';
import { dueZones, runLocalTimeTick } from '../src/modules/jobs/local-time-tick.ts';
import { localInstant, zoneClock } from '../src/modules/jobs/zone-clock.ts';
import { groupZones } from '../src/modules/jobs/zone-groups.ts';
import { readZoneMarks, type ZoneMark, zonesInUse } from '../src/modules/jobs/zone-marks.repository.ts';
import { serviceRole } from '../src/modules/shared/service-role.ts';
import { findStatusCandidates } from '../src/modules/status-check/status-check.repository.ts';
import { dueZoneRows } from '../src/modules/status-check/status-check.service.ts';
import { createBenchDatabase } from './bench-database.ts';
import { loadAverage, printReport } from './bench-report.ts';

// @NOTE the size is the issue's; BENCH_SCALE shrinks it for a quick look (e.g. 0.05).
const scale = Number(process.env.BENCH_SCALE ?? 1);
const users = Math.round(1_000_000 * scale);
const zones = Intl.supportedValuesOf('timeZone');
const day = '2026-12-10';
const quiet = { warn: () => {} };

const database = await createBenchDatabase('coach_local_time_bench');
const config = envToConfig({
  DATABASE_URL: database.runtimeUrl,
  DATABASE_ADMIN_URL: database.adminUrl,
  JWT_SECRET: 'bench-secret-that-is-long-enough-0123456789',
  LOG_LEVEL: 'warn',
});
const ctx = await createContext(config);
const admin = new pg.Client({ connectionString: database.adminUrl });
await admin.connect();
const ms = (value: number) => value.toFixed(0);

try {
  // Users spread evenly over every IANA zone; a check-in each of the three days before the run at a
  // random hour; one user in twenty stressed (stress 8) on those days, the rest calm. Loaded in
  // bulk as the owner, triggers off (the memory trigger would queue 3M embeddings).
  const loadStart = performance.now();
  await admin.query(`set session_replication_role = replica`);
  await admin.query(
    `insert into auth.users (id, email)
       select ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'u' || i || '@bench.test'
       from generate_series(1, $1) i`,
    [users],
  );
  await admin.query(
    `insert into user_profiles (user_id, timezone)
       select ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, ($2::text[])[1 + i % $3]
       from generate_series(1, $1) i`,
    [users, zones, zones.length],
  );
  await admin.query(
    `insert into mood_logs (user_id, mood, stress, logged_at)
       select ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
         case when i % 20 = 0 then 3 else 7 end, case when i % 20 = 0 then 8 else 4 end,
         $2::timestamptz + make_interval(days => d) + random() * interval '24 hours'
       from generate_series(1, $1) i, generate_series(0, 2) d`,
    [users, `${addDays(day, -3)}T00:00:00Z`],
  );
  await admin.query(`set session_replication_role = origin`);
  await admin.query('vacuum analyze');
  const loadSeconds = (performance.now() - loadStart) / 1000;

  // A running service: every zone's check already ran up to the minute before each tick, so the
  // zones due at a tick are those whose 08:00 came in that minute (the steady state).
  const ticks: { at: string; zones: number; members: number; due: number; selectMs: number }[] = [];
  const groups = await asRole(ctx.db, serviceRole, async (tx) =>
    groupZones(await zonesInUse(tx), 'Europe/London', quiet),
  );
  const perZone = Math.round(users / zones.length);
  for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
    const now = new Date(Date.parse(`${day}T00:00:00Z`) + minutes * 60_000);
    const before = new Date(now.getTime() - 60_000);
    const marks: ZoneMark[] = groups.map((group) => {
      const clock = zoneClock(before, group.zone);
      const checked = clock.minutes >= 8 * 60 ? clock.date : addDays(clock.date, -1);
      return { time_zone: group.zone, status_checked_on: checked, digest_week: null };
    });
    const start = performance.now();
    // The tick's own reads (zones in use by an index skip scan, the marks), then the selection.
    const found = await asRole(ctx.db, serviceRole, async (tx) => {
      await zonesInUse(tx);
      await readZoneMarks(tx);
      const due = dueZones(now, groups, marks).status;
      if (due.length === 0) return { zones: 0, rows: [] };
      return { zones: due.length, rows: await findStatusCandidates(tx, dueZoneRows(due)) };
    });
    const selectMs = performance.now() - start;
    if (found.zones > 0)
      ticks.push({
        at: now.toISOString().slice(11, 16),
        zones: found.zones,
        members: found.zones * perZone,
        due: found.rows.length,
        selectMs,
      });
  }
  // The first tick reads from a cold cache; a running service ticks every minute (warm).
  const sorted = ticks
    .slice(1)
    .map((tick) => tick.selectMs)
    .sort((a, b) => a - b);
  const p50 = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const max = sorted.at(-1) ?? 0;
  const busiest = ticks.reduce((top, tick) => (tick.zones > (top?.zones ?? 0) ? tick : top), ticks[0]);
  const loadAfterTicks = loadAverage();

  // The worst case: the first tick after a long outage (or a deploy) finds every zone past 08:00 due,
  // and writes: claims, marks, nudges, the run record.
  ctx.now = () => localInstant(day, 23 * 60, 'Pacific/Kiritimati');
  const catchUpStart = performance.now();
  const catchUp = await runLocalTimeTick(ctx, undefined, quiet);
  const catchUpMs = performance.now() - catchUpStart;

  const report = [
    `Coach local-time scheduling benchmark (PostgreSQL, ${users} users over ${zones.length} IANA zones, ${new Date().toISOString()})`,
    `Load: ${users} users + profiles + ${users * 3} check-ins (5% stressed) in ${loadSeconds.toFixed(0)} s (generate_series).`,
    '',
    '| measure | figure | target | load (1/5/15 min) |',
    '|---|---|---|---|',
    `| select the users due in one tick, first tick (cold cache, ${ticks[0]?.at} UTC) | ${ms(ticks[0]?.selectMs ?? 0)} ms | 1000 ms | ${loadAfterTicks} |`,
    `| select the users due in one tick, p50 over the next ${sorted.length} ticks with due zones (every 15 min of a day) | ${ms(p50)} ms | 1000 ms | ${loadAfterTicks} |`,
    `| same, max | ${ms(max)} ms | 1000 ms | ${loadAfterTicks} |`,
    `| busiest tick (${busiest?.at} UTC): zones due, members, users due | ${busiest?.zones} zones, ~${busiest?.members}, ${busiest?.due} | | |`,
    `| first tick after a deploy or outage: every zone past 08:00 due at once, with writes (${catchUp.status?.nudged} nudges) | ${ms(catchUpMs)} ms | | ${loadAverage()} |`,
  ].join('\n');
  await printReport(report);
  console.log(
    ticks.map((tick) => `${tick.at} ${tick.zones}z ${tick.due}u ${ms(tick.selectMs)}ms`).join('\n'),
  );
} finally {
  await admin.end();
  await closeContext(ctx);
  // BENCH_KEEP=1 leaves the database for EXPLAIN (its name is printed).
  if (process.env.BENCH_KEEP) console.log(`kept ${database.adminUrl}`);
  else await database.drop();
}
