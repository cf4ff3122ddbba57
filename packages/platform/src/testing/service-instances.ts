import { type ChildProcess, spawn } from 'node:child_process';
import { emptyPostgresDatabase } from './empty-database.ts';
import { exitWithin, freePort, waitFor } from './processes.ts';

/** One service process of a scaled-out deployment, on a port it keeps across restarts. */
export interface ServiceInstance {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  /** Whatever it printed (stdout and stderr, the last 64 KiB), for failure messages. */
  output(): string;
  /** Starts it (again) and resolves once its /health answers 200. */
  start(): Promise<void>;
  /**
   * Stops it as an orchestrator does (SIGTERM, then waits for the exit) and answers how it ended;
   * SIGKILL if it has not ended within `ms`.
   */
  stop(ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServiceInstanceOptions {
  /** The service's command-line entry point (`apps/<app>/src/cli.ts`). */
  script: string;
  args: string[];
  /** The environment every instance shares (the database, REDIS_URL, the secrets); PORT is added. */
  env: Record<string, string>;
  /** How long a start may take before it is an error. */
  startTimeoutMs?: number;
}

const keptOutput = 64 * 1024;

/** An instance of the service, not started yet, on a free port of its own. */
export async function serviceInstance(
  name: string,
  options: ServiceInstanceOptions,
): Promise<ServiceInstance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let printed = '';
  const keep = (chunk: Buffer) => {
    printed = (printed + chunk.toString()).slice(-keptOutput);
  };
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const healthy = () =>
    fetch(`${url}/health`).then(
      (response) => response.status === 200,
      () => false,
    );
  return {
    name,
    port,
    url,
    output: () => printed,
    start: async () => {
      if (running()) throw new Error(`${name} is already running`);
      const started = spawn(process.execPath, [options.script, ...options.args], {
        env: { PATH: process.env.PATH ?? '', ...options.env, PORT: String(port), HOST: '127.0.0.1' },
        // With an IPC channel the service stops by itself if this test process dies (see
        // onShutdownSignal): no server outlives a crashed test run.
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      child = started;
      started.stdout?.on('data', keep);
      started.stderr?.on('data', keep);
      try {
        await waitFor(
          async () => {
            if (started.exitCode !== null || started.signalCode !== null) {
              throw new Error(`${name} exited (${started.exitCode ?? started.signalCode}) while starting`);
            }
            return healthy();
          },
          options.startTimeoutMs ?? 60_000,
          `${name} to answer /health`,
        );
      } catch (error) {
        started.kill('SIGKILL');
        throw new Error(`${(error as Error).message}\n${printed}`);
      }
    },
    stop: async (ms = 15_000) => {
      if (!child || !running()) return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null };
      child.kill('SIGTERM');
      const ended = await exitWithin(child, ms);
      if (ended) return ended;
      child.kill('SIGKILL');
      return (await exitWithin(child, 5_000)) ?? { code: null, signal: 'SIGKILL' };
    },
  };
}

/** Two instances of a service on one database, as a scaled-out deployment runs them. */
export interface ServiceCluster {
  instances: [ServiceInstance, ServiceInstance];
  /** The database as its owner (no row-level security): for counting what the instances wrote. */
  adminUrl: string;
  /** The environment both instances were given. */
  env: Record<string, string>;
  /** Stops both instances, then drops the database. */
  close(): Promise<void>;
}

/**
 * Two processes of a service (`<script> serve`, named `<name> A` and `<name> B`) started together on
 * one new, empty PostgreSQL database, sharing what a scaled-out deployment shares: the database,
 * REDIS_URL, and a proxy in front (TRUST_PROXY=loopback); `env` adds the service's own (its secrets)
 * and may override any of these.
 */
export async function startServiceCluster(options: {
  name: string;
  script: string;
  runtimeRole: string;
  env: Record<string, string>;
}): Promise<ServiceCluster> {
  // Empty, not a copy of the migrated template: both instances migrate it, at once, at their first start.
  const database = await emptyPostgresDatabase(`${options.name}_instances`, options.runtimeRole);
  const env = {
    DATABASE_URL: database.runtimeUrl,
    DATABASE_ADMIN_URL: database.adminUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    TRUST_PROXY: 'loopback',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const instanceOptions = { script: options.script, args: ['serve'], env };
  const instances: [ServiceInstance, ServiceInstance] = [
    await serviceInstance(`${options.name} A`, instanceOptions),
    await serviceInstance(`${options.name} B`, instanceOptions),
  ];
  const stopAll = () => Promise.all(instances.map((instance) => instance.stop()));
  try {
    // Together, as an orchestrator starts replicas: migrations and role seeding must not collide.
    await Promise.all(instances.map((instance) => instance.start()));
  } catch (error) {
    await stopAll();
    await database.drop();
    throw error;
  }
  return {
    instances,
    adminUrl: database.adminUrl,
    env,
    close: async () => {
      await stopAll();
      await database.drop();
    },
  };
}

/** A response as the retrying client got it in the end. */
export interface RetriedResponse {
  status: number;
  headers: Headers;
  body: string;
  /** How many attempts it took (1: the first instance answered). */
  attempts: number;
  /** The instance that answered. */
  url: string;
}

/** What went wrong on the way, over every request a client sent: connection errors and 503s. */
export interface RetryTally {
  requests: number;
  connectionErrors: number;
  unavailable: number;
  /** Connection errors by their cause's code (ECONNREFUSED: nobody listening; others: dropped). */
  causes: Record<string, number>;
}

export interface RetryingClient {
  request(
    path: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<RetriedResponse>;
  tally: RetryTally;
}

/**
 * A client as it would be behind a load balancer without sticky sessions, doing what a careful one
 * does: it alternates between the instances, and when one refuses the connection, drops it or
 * answers 503 (closing, or shedding load), it sends the same request to the next one, until
 * `deadlineMs` has passed. Any other answer is final.
 */
export function retryingClient(urls: () => string[], options: { deadlineMs?: number } = {}): RetryingClient {
  let turn = 0;
  const tally: RetryTally = { requests: 0, connectionErrors: 0, unavailable: 0, causes: {} };
  return {
    tally,
    request: async (path, init = {}) => {
      tally.requests += 1;
      const deadline = Date.now() + (options.deadlineMs ?? 30_000);
      let attempts = 0;
      let lastProblem = '';
      while (Date.now() < deadline) {
        const bases = urls();
        const base = bases[turn++ % bases.length] as string;
        attempts += 1;
        try {
          const response = await fetch(`${base}${path}`, {
            method: init.method ?? 'GET',
            headers: init.headers,
            body: init.body,
            signal: AbortSignal.timeout(20_000),
          });
          const body = await response.text();
          if (response.status !== 503) {
            return { status: response.status, headers: response.headers, body, attempts, url: base };
          }
          tally.unavailable += 1;
          lastProblem = `503 from ${base}: ${body}`;
        } catch (error) {
          tally.connectionErrors += 1;
          const cause = (error as Error).cause;
          const code = String((cause as { code?: unknown } | undefined)?.code ?? (error as Error).name);
          tally.causes[code] = (tally.causes[code] ?? 0) + 1;
          lastProblem = `${base}: ${(error as Error).message} (${String((error as Error).cause)})`;
        }
        // Every instance tried once: give the restarting one a moment before the next round.
        if (attempts % bases.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`${init.method ?? 'GET'} ${path} failed after ${attempts} attempts: ${lastProblem}`);
    },
  };
}

/** How a rolling restart went: the exits of the stopped instances and what the client went through. */
export interface RollingRestartResult {
  /** Per instance: how it exited, how long the stop took and how long it then took to be healthy. */
  exits: {
    name: string;
    code: number | null;
    signal: NodeJS.Signals | null;
    stopMs: number;
    startMs: number;
  }[];
  tally: RetryTally;
  /** How many times `step` ran, over all workers. */
  steps: number;
}

/**
 * Restarts `instances` one after another (SIGTERM, wait for the exit, start again, wait for health)
 * while `workers` loops each call `step` (then wait `thinkMs`) with a client that retries against the other instances;
 * resolves when every instance is back and the last steps finished. `step` records what it needs
 * (and throws only on what must stop the test).
 */
export async function rollingRestart(
  instances: ServiceInstance[],
  step: (client: RetryingClient, worker: number, sequence: number) => Promise<void>,
  options: {
    workers?: number;
    pauseMs?: number;
    thinkMs?: number;
    /** Runs once each instance is back, before the next one stops (the load goes on meanwhile). */
    onBack?: (instance: ServiceInstance) => Promise<void>;
  } = {},
): Promise<RollingRestartResult> {
  const client = retryingClient(() => instances.map((instance) => instance.url));
  const pause = () => new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 300));
  const exits: RollingRestartResult['exits'] = [];
  let rolling = true;
  let steps = 0;
  const worker = async (index: number) => {
    let sequence = 0;
    while (rolling) {
      sequence += 1;
      steps += 1;
      await step(client, index, sequence);
      // A client that thinks between requests, as real ones do: a tight loop on this small machine
      // would only slow the restarting instance down.
      await new Promise((resolve) => setTimeout(resolve, options.thinkMs ?? 20));
    }
  };
  const load = Promise.all(Array.from({ length: options.workers ?? 3 }, (_, index) => worker(index + 1)));
  try {
    for (const instance of instances) {
      await pause();
      const stopping = Date.now();
      const exit = await instance.stop();
      const stopMs = Date.now() - stopping;
      await pause();
      const starting = Date.now();
      await instance.start();
      exits.push({ name: instance.name, ...exit, stopMs, startMs: Date.now() - starting });
      await options.onBack?.(instance);
    }
    await pause();
  } finally {
    rolling = false;
    await load;
  }
  return { exits, tally: client.tally, steps };
}
