import pg from 'pg';
import { envToConfig } from '../src/config.ts';
import { closeContext, createContext } from '../src/create-context.ts';
import { runPushDelivery } from '../src/modules/push/push-dispatcher.ts';
import { startFakeExpoServer } from '../test/support/fake-expo-server.ts';
import { createBenchDatabase } from './bench-database.ts';
import { loadAverage, printReport } from './bench-report.ts';

// @NOTE 20,000 nudges is the example; BENCH_SCALE shrinks it for a quick look (e.g. 0.1).
const scale = Number(process.env.BENCH_SCALE ?? 1);
const nudges = Math.round(20_000 * scale);
const expoLatencyMs = 100;
const concurrencies = (process.env.BENCH_PUSH_CONCURRENCY ?? '4,16').split(',').map(Number);
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const perHour = (count: number, ms: number) => Math.round((count / ms) * 3_600_000).toLocaleString('en-GB');

const expo = await startFakeExpoServer({ latencyMs: expoLatencyMs });
const rows: string[] = [];

for (const concurrency of concurrencies) {
  const database = await createBenchDatabase('coach_push_bench');
  const config = envToConfig({
    DATABASE_URL: database.runtimeUrl,
    DATABASE_ADMIN_URL: database.adminUrl,
    DATABASE_POOL_SIZE: '20',
    JWT_SECRET: 'bench-secret-that-is-long-enough-0123456789',
    LOG_LEVEL: 'warn',
    EXPO_PUSH_URL: expo.pushUrl,
    EXPO_RECEIPTS_URL: expo.receiptsUrl,
    PUSH_CONCURRENCY: String(concurrency),
  });
  const ctx = await createContext(config);
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  try {
    // One device per user and one due nudge each, as the schedule part leaves them at 08:00.
    await admin.query(`
      insert into auth.users (id, email) select gen_random_uuid(), 'p' || i || '@bench.test' from generate_series(1, ${nudges}) i;
      insert into push_tokens (user_id, token, platform)
        select id, 'ExponentPushToken[' || replace(id::text, '-', '') || ']', 'ios' from auth.users;
      insert into coach_notifications (user_id, message, type, push_after)
        select id, 'A short walk after lunch helps the afternoon slump.', 'nudge', now() from auth.users;
      analyze;`);
    const sentBefore = expo.sentMessages().length;
    const sendStart = performance.now();
    const sent = await runPushDelivery(ctx, { skipReceipts: true });
    const sendMs = performance.now() - sendStart;
    const received = expo.sentMessages().length - sentBefore;

    // The receipt pass, as the run 15 minutes later does it (1000 ids per request).
    const receiptStart = performance.now();
    const later = new Date(Date.now() + (config.push.receiptDelaySeconds + 1) * 1000);
    const receipts = await runPushDelivery(ctx, { now: later });
    const receiptMs = performance.now() - receiptStart;
    const delivered = await admin.query(
      `select count(*)::int as n from push_deliveries where status = 'delivered'`,
    );

    const ideal = (Math.ceil(nudges / 100) * expoLatencyMs) / concurrency;
    rows.push(
      `| send, ${nudges} nudges x 1 device, ${concurrency} requests in flight | ${seconds(sendMs)} s | ${seconds(ideal)} s | ${perHour(received, sendMs)} | ${sent.requests} requests, ${received} messages at Expo |`,
      `| receipts for the same, ${concurrency} in flight | ${seconds(receiptMs)} s | | ${perHour(delivered.rows[0].n, receiptMs)} | ${receipts.receiptRequests} requests, ${delivered.rows[0].n} delivered |`,
    );
  } finally {
    await admin.end();
    await closeContext(ctx);
    await database.drop();
  }
}
await expo.close();

const report = [
  `Coach push benchmark (PostgreSQL, fake Expo answering each request after ${expoLatencyMs} ms, ${new Date().toISOString()}, load ${loadAverage()})`,
  '',
  '| pass | wall time | ideal (Expo latency only) | per hour | result |',
  '|---|---|---|---|---|',
  ...rows,
].join('\n');
await printReport(report);
