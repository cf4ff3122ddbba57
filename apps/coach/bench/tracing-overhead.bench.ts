import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { signUserToken } from '@ours/platform/auth';
import { startTelemetry } from '@ours/platform/telemetry';
import { serveToBenchParent, startFakeOtlpCollector } from '@ours/platform/testing';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { envToConfig, readEnv } from '../src/config.ts';
import { closeContext, createContext } from '../src/create-context.ts';
import { createBenchDatabase } from './bench-database.ts';
import { request, startProcess, stop } from './bench-processes.ts';
import { printReport } from './bench-report.ts';

// @NOTE the cost of tracing to the coach itself: GET /history with tracing off and on, side by side in
// one run and interleaved (off, on, off, on...) so that whatever else this shared machine does falls
// on both modes alike. "on" exports to a sink in this process that answers 200 without reading the
// spans, so only the coach's own work (spans, OTLP serialisation, export requests) shows.
// `--modes off,sink,parse` adds the test collector that parses every export (also in this process,
// so its CPU competes with the load generator's). BENCH_OUTPUT=<file> writes the report too.
// OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG are passed on to the traced coach (sampling cost).

/** Set in the environment of this same file forked as the coach under test (see `serveCoach`). */
const childRole = 'BENCH_TRACING_COACH';

const modeLabels = {
  off: 'tracing off',
  sink: 'tracing on, sink collector (answers 200 unread)',
  parse: 'tracing on, parsing test collector',
} as const;
type Mode = keyof typeof modeLabels;

interface Run {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failed: number;
  cpuMsPerRequest: number;
}

/**
 * The coach under test, as `server.ts` starts it (telemetry before the app is built, whose request
 * tracing is added only when tracing is on), without the job engine, served to the parent over IPC.
 */
async function serveCoach(): Promise<void> {
  const config = envToConfig(readEnv());
  const telemetry = await startTelemetry(config.telemetry, config.service);
  const ctx = await createContext(config);
  const app = await buildApp(ctx);
  telemetry.logTo(app.log);
  // Between runs the parent asks for the spans still queued to be sent (so their export is charged
  // to the run that made them) and for the CPU time used so far.
  process.on('message', (message: { cpu?: boolean }) => {
    if (!message.cpu) return;
    void telemetry.flush().then(() => {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMs: (user + system) / 1000 });
    });
  });
  await serveToBenchParent(app, async () => {
    await closeContext(ctx);
    await telemetry.shutdown();
  });
}

/** An OTLP/HTTP receiver that drains each export and answers 200 without parsing it. */
async function startSinkCollector() {
  const counts = { exports: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      counts.bytes += chunk.length;
    });
    req.on('end', () => {
      counts.exports += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function runBench(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      modes: { type: 'string' },
    },
  });
  const rounds = Number(args.rounds ?? process.env.BENCH_ROUNDS ?? 2);
  const seconds = Number(args.seconds ?? process.env.BENCH_SECONDS ?? 8);
  const warmupSeconds = Number(args.warmup ?? process.env.BENCH_WARMUP_SECONDS ?? 2);
  const modes = (args.modes ?? process.env.BENCH_TRACING_MODES ?? 'off,sink').split(',') as Mode[];
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error('--rounds (BENCH_ROUNDS) must be an integer ≥ 1');
  if (!(seconds >= 1) || !(warmupSeconds >= 0)) throw new Error('--seconds must be ≥ 1 and --warmup ≥ 0');
  if (modes[0] !== 'off' || modes.length < 2 || modes.some((mode) => !(mode in modeLabels))) {
    throw new Error(
      `--modes must start with off and name one or more of sink, parse; got "${modes.join(',')}"`,
    );
  }
  const connections = 10;
  const users = 100;
  const exchangesPerUser = 20;
  const secret = randomBytes(48).toString('base64url');
  const sampler = process.env.OTEL_TRACES_SAMPLER?.trim() || 'parentbased_always_on (default)';
  const samplerArg = process.env.OTEL_TRACES_SAMPLER_ARG?.trim();
  const loadBefore = loadavg();

  const database = await createBenchDatabase('coach_tracing_bench');
  const sink = await startSinkCollector();
  const parser = modes.includes('parse') ? await startFakeOtlpCollector() : undefined;
  const endpoints: Record<Mode, string> = { off: '', sink: sink.endpoint, parse: parser?.endpoint ?? '' };
  const coaches = new Map<Mode, { child: ChildProcess; url: string }>();
  try {
    for (const mode of modes) {
      const coach = await startProcess<{ url: string }>('./tracing-overhead.bench.ts', {
        [childRole]: '1',
        DATABASE_URL: database.runtimeUrl,
        DATABASE_ADMIN_URL: database.adminUrl,
        JWT_SECRET: secret,
        USER_RATE_LIMIT_PER_MINUTE: '100000000',
        LOG_LEVEL: 'warn',
        // Only the endpoint differs between the modes; nothing else from this shell's OTEL_* applies.
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoints[mode],
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
        OTEL_EXPORTER_OTLP_HEADERS: '',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: '',
        OTEL_SDK_DISABLED: '',
        OTEL_TRACES_EXPORTER: '',
        OTEL_SERVICE_NAME: '',
      });
      coaches.set(mode, { child: coach.child, url: coach.ready.url });
      if (coaches.size === 1) await seed(database.adminUrl, users, exchangesPerUser);
    }

    const tokens = await Promise.all(
      (await userIds(database.adminUrl)).map((id) =>
        signUserToken(secret, { id, email: `${id}@bench.test` }),
      ),
    );
    // Every mode must answer what is meant to be measured: a full page, not a refusal or an empty list.
    for (const [mode, { url }] of coaches) {
      const response = await fetch(`${url}/history`, { headers: { authorization: `Bearer ${tokens[0]}` } });
      const page = (await response.json()) as { items?: unknown[] };
      if (response.status !== 200 || page.items?.length !== exchangesPerUser) {
        throw new Error(`${mode}: GET /history answered ${response.status} with ${page.items?.length} items`);
      }
    }
    let next = 0;
    const load = async (mode: Mode, duration: number): Promise<Run> => {
      const { child, url } = coaches.get(mode) as { child: ChildProcess; url: string };
      const before = await request<{ cpuMs: number }>(child, { cpu: true });
      const result = await autocannon({
        url: `${url}/history`,
        connections,
        duration,
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
            }),
          },
        ],
      });
      const after = await request<{ cpuMs: number }>(child, { cpu: true });
      return {
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        requests: result.requests.total,
        failed: result.non2xx + result.errors + result.timeouts,
        cpuMsPerRequest: (after.cpuMs - before.cpuMs) / Math.max(1, result.requests.total),
      };
    };

    if (warmupSeconds > 0) for (const mode of modes) await load(mode, warmupSeconds);
    const exportsBefore = { ...sink.counts };
    parser?.reset();
    const runs = new Map<Mode, Run[]>(modes.map((mode) => [mode, []]));
    const rows: string[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      let off: Run | undefined;
      for (const mode of modes) {
        // A moment of quiet so one run's stragglers do not land in the next.
        await sleep(500);
        const run = await load(mode, seconds);
        runs.get(mode)?.push(run);
        if (mode === 'off') off = run;
        if (parser) parser.spans.length = 0; // counted by its requests; keeps memory flat
        rows.push(
          `| ${round} | ${modeLabels[mode]} | ${fmt(run.rps)} | ${run.p50} | ${run.p99} | ${run.cpuMsPerRequest.toFixed(2)} | ` +
            `${off && mode !== 'off' ? ratio(run.rps, off.rps) : ''} | ${fmt(run.requests)} | ${run.failed} |`,
        );
      }
    }

    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const summary = (mode: Mode) => {
      const list = runs.get(mode) ?? [];
      return {
        rps: mean(list.map((run) => run.rps)),
        p50: mean(list.map((run) => run.p50)),
        p99: mean(list.map((run) => run.p99)),
        cpu: mean(list.map((run) => run.cpuMsPerRequest)),
        failed: list.reduce((sum, run) => sum + run.failed, 0),
      };
    };
    const offSummary = summary('off');
    const summaryRows = modes.map((mode) => {
      const s = summary(mode);
      const vsOff =
        mode === 'off'
          ? '1 | 1 | 1'
          : `${ratio(s.rps, offSummary.rps)} | ${(s.p50 / offSummary.p50).toFixed(2)} | ${(s.p99 / offSummary.p99).toFixed(2)}`;
      return `| ${modeLabels[mode]} | ${fmt(s.rps)} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.cpu.toFixed(2)} | ${vsOff} | ${s.failed} |`;
    });
    const sent = `sink received ${fmt(sink.counts.exports - exportsBefore.exports)} exports, ${((sink.counts.bytes - exportsBefore.bytes) / 1e6).toFixed(1)} MB of OTLP JSON`;
    const parsed = parser ? `; the parsing collector ${fmt(parser.requests.length)} exports` : '';
    const loadAfter = loadavg();

    const report = [
      `Coach tracing overhead (${new Date().toISOString()})`,
      '',
      `What this measures: the coach's GET /history over HTTP with a bearer token (${users} users, ${exchangesPerUser} exchanges each: a full page per request), ` +
        `autocannon with ${connections} connections against one coach process at a time (one per mode, started once, idle while the others run; LOG_LEVEL=warn, no job engine), ` +
        'row-level-security reads on PostgreSQL, the load generator and the collector on the same machine ' +
        `(${availableParallelism()} CPUs, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after). ` +
        `${rounds} round${rounds === 1 ? '' : 's'} of ${modes.join(', ')} interleaved, ${seconds} s each after a ${warmupSeconds} s warm-up per mode; ` +
        `sampler ${sampler}${samplerArg ? ` (arg ${samplerArg})` : ''}. ` +
        'These are saturation figures (the CPU is the limit and autocannon takes part of it). ' +
        'Coach CPU per request is the coach process alone, its span exports included.',
      '',
      '| round | mode | req/s | p50 (ms) | p99 (ms) | coach CPU ms/request | req/s on/off (this round) | requests | non-2xx + errors |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `| mode (mean of ${rounds} round${rounds === 1 ? '' : 's'}) | req/s | p50 (ms) | p99 (ms) | coach CPU ms/request | req/s on/off | p50 on/off | p99 on/off | non-2xx + errors |`,
      '|---|---|---|---|---|---|---|---|---|',
      ...summaryRows,
      '',
      `Exports over the measured runs: ${sent}${parsed}.`,
    ].join('\n');
    await printReport(report);
  } finally {
    for (const { child } of coaches.values()) await stop(child);
    await sink.close();
    await parser?.close();
    await database.drop();
  }
}

const fmt = (value: number) => Math.round(value).toLocaleString('en-GB');

function ratio(on: number, off: number): string {
  const value = on / off;
  return `${value.toFixed(2)} (${value >= 1 ? '+' : ''}${Math.round((value - 1) * 100)} %)`;
}

/** Users with a page of past exchanges each, written as the table owner once the coach has migrated. */
async function seed(adminUrl: string, users: number, exchanges: number): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`
      insert into auth.users (id, email)
        select gen_random_uuid(), 'h' || i || '@bench.test' from generate_series(1, ${users}) i;
      insert into ai_coach_logs (user_id, session_id, user_message, ai_response, topic, "timestamp")
        select id, 's' || n, 'How should I warm up for a 5k run?',
          'Five minutes of easy jogging, then leg swings, walking lunges and a few strides at race pace.',
          'running', now() - n * interval '1 hour'
        from auth.users, generate_series(1, ${exchanges}) n where email like 'h%@bench.test';
      analyze;`);
  } finally {
    await admin.end();
  }
}

async function userIds(adminUrl: string): Promise<string[]> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ id: string }>(
      `select id from auth.users where email like 'h%@bench.test'`,
    );
    return rows.map((row) => row.id);
  } finally {
    await admin.end();
  }
}

if (process.env[childRole]) await serveCoach();
else await runBench();
