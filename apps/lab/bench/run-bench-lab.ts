import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@ours/platform/db';
import type { HttpApp } from '@ours/platform/http';
import { pino } from 'pino';
import { buildApp } from '../src/app.ts';
import { envToConfig } from '../src/config.ts';
import type { LabContext } from '../src/context.ts';
import { closeContext, createContext, migrationsDir } from '../src/create-context.ts';
import type { LabDatabase, LabSchema } from '../src/db/lab-database.ts';
import { createUser } from '../src/modules/accounts/accounts.service.ts';
import { readInLabs } from '../src/modules/sites/index.ts';
import { defaultLabId } from '../src/modules/sites/lab-scope.ts';
import { cpuMeter } from './cpu-meter.ts';
import { benchLabEnv } from './lab-server.ts';

const password = 'Lab-Bench-2026!';
const system = { actor_id: null, actor_email: 'system:bench', request_id: null, client_ip: null };

interface Account {
  id: string;
  token: string;
}

/** The lab app in this process (runs execute here, simulated instruments are reachable) with its callers. */
export interface RunBenchLab {
  app: HttpApp;
  ctx: LabContext;
  labIds: string[];
  admin: Account & { password: string };
  scientist: Account;
  /** A call through the app (in process, no socket); throws unless the answer has `status`. */
  api: <T = Record<string, unknown>>(
    method: 'GET' | 'POST',
    url: string,
    who: Account,
    body?: unknown,
    status?: number,
  ) => Promise<T>;
  /** Authored by the scientist, approved by the admin (a second person), as the tests do. */
  approvedWorkflow: (definition: Record<string, unknown>) => Promise<string>;
  /** A device on a simulated driver, calibrated now (usable). */
  device: (driver: 'sim-daq' | 'sim-raman', settings: Record<string, unknown>) => Promise<string>;
  /** Polls the run's status (one indexed read) until it is one of `statuses`. */
  runReaches: (runId: string, statuses: string[], timeoutMs: number, everyMs?: number) => Promise<string>;
  /** Listens on 127.0.0.1 (for real HTTP clients); answers the base URL. */
  listen: () => Promise<string>;
  close: () => Promise<void>;
}

/** CPU of this process (the lab: server and runs) and of everything else (PostgreSQL mostly), in cores. */
export function labCpu(): () => { lab: number; rest: number } {
  const meter = cpuMeter(process.pid);
  return () => {
    const share = meter();
    // The meter counts this pid as both its `server` and its `bench`, and took it off `rest` twice.
    return { lab: share.server, rest: share.rest + share.bench };
  };
}

/** A PGlite directory of its own (the embedded default, on disk), migrated; removed by `drop`. */
export async function openPgliteBenchDatabase(): Promise<{ db: LabDatabase; drop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'lab-runs-bench-'));
  const db = await openDatabase<LabSchema>({
    dataDir: join(dir, 'pgdata'),
    migrationsDir,
    service: 'lab',
    runtimeRole: 'lab_app',
  });
  return { db, drop: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Builds the lab as `npm start` does (context + app; pino at info, to /dev/null) on `db`, without
 * the job queue and load shedding (not what is measured), and creates an admin and a scientist
 * signed in through `POST /auth/login`.
 */
export async function startRunBenchLab(db: LabDatabase): Promise<RunBenchLab> {
  const config = envToConfig({
    LAB_DATA_DIR: join(tmpdir(), 'lab-runs-bench-unused'),
    ...benchLabEnv(),
    // Load shedding off, as in the tests: the lab shares this thread with the bench's own start-up
    // (migrations, and PGlite itself on the embedded run), and the first login was refused with 503.
    MAX_EVENT_LOOP_DELAY_MS: '0',
  });
  const ctx = await createContext(config, { db });
  const app = await buildApp(ctx, { logStream: pino.destination('/dev/null') });
  await app.ready();
  let sequence = 0;

  const account = async (roles: string[]) => {
    const email = `${roles[0]}-${randomBytes(3).toString('hex')}@bench.test`;
    const user = await db.transaction((tx) =>
      createUser(ctx, tx, { email, full_name: `Bench ${roles[0]}`, password, roles }, system),
    );
    const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
    if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
    return { id: user.id, token: (login.json() as { access_token: string }).access_token };
  };
  const admin = { ...(await account(['admin'])), password };
  const scientist = await account(['scientist']);

  const api: RunBenchLab['api'] = async (method, url, who, body, status) => {
    const reply = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${who.token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const expected = status ?? (method === 'POST' ? 201 : 200);
    if (reply.statusCode !== expected) throw new Error(`${method} ${url}: ${reply.statusCode} ${reply.body}`);
    // The bench reads the lab's documented responses; a wrong shape fails its own checks.
    return reply.json();
  };

  const labIds = [defaultLabId];
  const runReaches = async (runId: string, statuses: string[], timeoutMs: number, everyMs = 20) => {
    const until = performance.now() + timeoutMs;
    for (;;) {
      const run = await readInLabs(db, labIds)
        .selectFrom('workflow_executions')
        .select('status')
        .where('id', '=', runId)
        .executeTakeFirst();
      if (run && statuses.includes(run.status)) return run.status;
      if (performance.now() > until)
        throw new Error(`run ${runId} is ${run?.status}, not ${statuses.join('/')}`);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  };

  return {
    app,
    ctx,
    labIds,
    admin,
    scientist,
    api,
    runReaches,
    approvedWorkflow: async (definition) => {
      const name = String(definition.name);
      await api('POST', '/api/workflows', scientist, { definition });
      await api('POST', `/api/workflows/${name}/versions/1/submit`, scientist, {}, 200);
      await api(
        'POST',
        `/api/workflows/${name}/versions/1/approve`,
        admin,
        { password, reason: 'bench workflow' },
        200,
      );
      return name;
    },
    device: async (driver, settings) => {
      const created = await api<{ id: string }>('POST', '/api/devices', admin, {
        device_id: `BENCH-${driver.toUpperCase()}-${++sequence}`,
        name: driver,
        device_type: driver,
        calibration_interval_days: 365,
        driver,
        driver_settings: settings,
      });
      await api('POST', '/api/calibration', admin, { device_id: created.id, result: 'pass' });
      return created.id;
    },
    listen: async () => {
      await app.listen({ host: '127.0.0.1', port: 0 });
      return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    },
    close: async () => {
      await app.close();
      await closeContext(ctx);
    },
  };
}
