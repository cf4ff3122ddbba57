import { randomBytes, randomUUID } from 'node:crypto';
import { signUserToken } from '@ours/platform/auth';
import autocannon from 'autocannon';
import { createBenchDatabase } from './bench-database.ts';
import { coachBenchEnv, request, startProcess, stop } from './bench-processes.ts';
import { printReport } from './bench-report.ts';
import { timeToFirstEvent } from './ttfb.ts';

// @NOTE everything shares this machine's 2 cores, so the direct and the /ask runs go side by side
// in one run and only their difference is reported as the coach's overhead.
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const modelDelayMs = 50;
const secret = randomBytes(48).toString('base64url');
const replyText =
  'Great question! Start with five minutes of easy jogging, then add leg swings, walking lunges and a few ' +
  'strides at race pace. Keep the effort gentle so you arrive at the start line warm but fresh. Good luck!';

async function load(url: string, body: string, headers: () => Record<string, string>, clients = connections) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: clients,
    duration: seconds,
    body,
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...headers() } }) }],
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const database = await createBenchDatabase('coach_bench');
const fake = await startProcess<{ baseURL: string }>('./fake-model.process.ts');
const coach = await startProcess<{ url: string }>('./coach.process.ts', {
  ...coachBenchEnv(database, fake.ready.baseURL, secret),
  LOG_LEVEL: 'info',
});
try {
  const tokens = await Promise.all(
    Array.from({ length: 500 }, () =>
      signUserToken(secret, { id: randomUUID(), email: `${randomUUID()}@bench.test` }),
    ),
  );
  let next = 0;
  const userHeaders = () => ({ authorization: `Bearer ${tokens[next++ % tokens.length]}` });
  const askBody = JSON.stringify({
    messages: [{ role: 'user', content: 'How should I warm up for a 5k run?' }],
  });
  const askUrl = `${coach.ready.url}/ask`;
  const directUrl = `${fake.ready.baseURL}/chat/completions`;

  const rows: string[] = [];
  const scenarios = [
    { delayMs: 500, clients: connections },
    { delayMs: modelDelayMs, clients: connections },
    { delayMs: modelDelayMs, clients: 1 },
    { delayMs: 0, clients: connections },
  ];
  for (const { delayMs, clients } of scenarios) {
    await request(fake.child, { behaviour: { kind: 'reply', text: replyText, delayMs } });
    // Warm-up: registers every user once and records the exact body the coach sends the model.
    await load(askUrl, askBody, userHeaders);
    const { body } = await request<{ body: unknown }>(fake.child, { lastBody: true });
    const direct = await load(
      directUrl,
      JSON.stringify(body),
      () => ({ authorization: 'Bearer bench' }),
      clients,
    );
    const viaCoach = await load(askUrl, askBody, userHeaders, clients);
    rows.push(
      `| model delay ${delayMs} ms, ${clients} client${clients === 1 ? '' : 's'} | ${direct.p50} / ${direct.p99} | ${viaCoach.p50} / ${viaCoach.p99} | ` +
        `${viaCoach.p50 - direct.p50} / ${viaCoach.p99 - direct.p99} | ${Math.round(direct.rps)} | ${Math.round(viaCoach.rps)} | ` +
        `${direct.non2xx + direct.errors} / ${viaCoach.non2xx + viaCoach.errors} |`,
    );
  }

  await request(fake.child, {
    behaviour: { kind: 'stream', chunks: replyText.match(/.{1,24}/g) ?? [replyText], delayMs: modelDelayMs },
  });
  const streamBody = JSON.stringify({
    messages: [{ role: 'user', content: 'How should I warm up?' }],
    stream: true,
  });
  const coachTtfb = await timeToFirstEvent(askUrl, streamBody, userHeaders, 'event: delta', 10, 400);
  const { body } = await request<{ body: unknown }>(fake.child, { lastBody: true });
  const directTtfb = await timeToFirstEvent(directUrl, JSON.stringify(body), () => ({}), 'data: ', 10, 400);

  const report = [
    `Coach /ask benchmark (PostgreSQL, ${seconds} s per run, ${new Date().toISOString()})`,
    '',
    '| scenario | direct p50 / p99 (ms) | /ask p50 / p99 (ms) | overhead p50 / p99 (ms) | direct req/s | /ask req/s | errors direct / ask |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '| streaming, model first byte after 50 ms, 10 clients | direct | /ask | difference |',
    '|---|---|---|---|',
    `| time to first delta p50 (ms) | ${directTtfb.p50.toFixed(1)} | ${coachTtfb.p50.toFixed(1)} | ${(coachTtfb.p50 - directTtfb.p50).toFixed(1)} |`,
    `| time to first delta p99 (ms) | ${directTtfb.p99.toFixed(1)} | ${coachTtfb.p99.toFixed(1)} | ${(coachTtfb.p99 - directTtfb.p99).toFixed(1)} |`,
  ].join('\n');
  await printReport(report);
} finally {
  await stop(coach.child);
  await stop(fake.child);
  await database.drop();
}
