import { randomBytes, randomUUID } from 'node:crypto';
import { signServiceToken, signUserToken } from '@ours/platform/auth';
import autocannon from 'autocannon';
import { serviceTokenIssuer } from '../src/modules/shared/service-role.ts';
import { createBenchDatabase } from './bench-database.ts';
import { coachBenchEnv, request, startProcess, stop } from './bench-processes.ts';
import { loadAverage, printReport } from './bench-report.ts';

// /ask with budgets off and on, side by side in one run: two coach processes, each on its own
// database (budgets are per database), one fake model. "On" has a global and a default budget
// (so every user holds one too) far too large to trip: what is measured is the reserve and settle
// statements and the global counter every request updates. Runs alternate off/on so a change in
// the machine's load falls on both.
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const secret = randomBytes(48).toString('base64url');
const replyText = 'Start with five minutes of easy jogging, then leg swings and a few strides. Good luck!';

async function load(url: string, headers: () => Record<string, string>, duration = seconds) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration,
    body: JSON.stringify({ messages: [{ role: 'user', content: 'How should I warm up for a 5k run?' }] }),
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...headers() } }) }],
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

const databases = {
  off: await createBenchDatabase('coach_budgets_off'),
  on: await createBenchDatabase('coach_budgets_on'),
};
const fake = await startProcess<{ baseURL: string }>('./fake-model.process.ts');
const coachEnv = (database: { runtimeUrl: string; adminUrl: string }) => ({
  ...coachBenchEnv(database, fake.ready.baseURL, secret),
  JOBS_ENABLED: 'false',
  LOG_LEVEL: 'warn',
  // Load shedding would answer 503 on this shared, overloaded machine: not what is measured here.
  MAX_EVENT_LOOP_DELAY_MS: '0',
});
const coaches = {
  off: await startProcess<{ url: string }>('./coach.process.ts', coachEnv(databases.off)),
  on: await startProcess<{ url: string }>('./coach.process.ts', coachEnv(databases.on)),
};
try {
  const service = `Bearer ${await signServiceToken(secret, { issuer: serviceTokenIssuer })}`;
  for (const which of ['global', 'default']) {
    const response = await fetch(`${coaches.on.ready.url}/admin/budgets/${which}`, {
      method: 'PUT',
      headers: { authorization: service, 'content-type': 'application/json' },
      body: JSON.stringify({ token_limit: 1_000_000_000_000, cost_limit_usd: 1_000_000 }),
    });
    if (!response.ok) throw new Error(`PUT ${which}: ${response.status} ${await response.text()}`);
  }
  const tokens = await Promise.all(
    Array.from({ length: 500 }, () =>
      signUserToken(secret, { id: randomUUID(), email: `${randomUUID()}@bench.test` }),
    ),
  );
  let next = 0;
  const userHeaders = () => ({ authorization: `Bearer ${tokens[next++ % tokens.length]}` });

  const rows: string[] = [];
  for (const delayMs of [0, 50]) {
    await request(fake.child, { behaviour: { kind: 'reply', text: replyText, delayMs } });
    // Warm-up: registers every user once on each side.
    for (const mode of ['off', 'on'] as const) await load(`${coaches[mode].ready.url}/ask`, userHeaders, 3);
    for (let round = 1; round <= rounds; round++) {
      const figures: Record<string, Awaited<ReturnType<typeof load>> & { loadavg: string }> = {};
      for (const mode of ['off', 'on'] as const) {
        const before = loadAverage();
        figures[mode] = { ...(await load(`${coaches[mode].ready.url}/ask`, userHeaders)), loadavg: before };
      }
      const { off, on } = figures as Record<'off' | 'on', (typeof figures)[string]>;
      rows.push(
        `| model delay ${delayMs} ms, round ${round} | ${off.p50} / ${off.p99} | ${on.p50} / ${on.p99} | ` +
          `${on.p50 - off.p50} / ${on.p99 - off.p99} | ${Math.round(off.rps)} | ${Math.round(on.rps)} | ` +
          `${off.failures} / ${on.failures} | ${off.loadavg} / ${on.loadavg} |`,
      );
    }
  }
  // Proof the "on" side enforced: its global counter holds every request's tokens.
  const overview = (await (
    await fetch(`${coaches.on.ready.url}/admin/budgets`, { headers: { authorization: service } })
  ).json()) as { budgets: { scope: string; tokens_used: number }[] };
  const globalUse = overview.budgets.find((budget) => budget.scope === 'global')?.tokens_used ?? 0;
  if (globalUse === 0) throw new Error('the budgets-on coach counted no use: budgets were not on');
  const report = [
    `Coach /ask with budgets off vs on (PostgreSQL, ${connections} connections, ${seconds} s per run, ${new Date().toISOString()})`,
    '',
    '| scenario | off p50 / p99 (ms) | on p50 / p99 (ms) | on - off p50 / p99 (ms) | off req/s | on req/s | failures off / on | loadavg before off / on |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Budgets-on global counter after the run: ${globalUse} tokens (enforcement ran on every request).`,
  ].join('\n');
  await printReport(report);
} finally {
  await stop(coaches.off.child);
  await stop(coaches.on.child);
  await stop(fake.child);
  await databases.off.drop();
  await databases.on.drop();
}
