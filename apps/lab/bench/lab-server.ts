import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { generateSigningKey } from '../src/modules/audit/manifest-signer.ts';

/** Fresh secrets and limits a benchmarked lab runs with: long tokens, rate limits out of the way. */
export function benchLabEnv(): Record<string, string> {
  return {
    LAB_JWT_SECRET: randomBytes(48).toString('base64url'),
    LAB_SECRET_KEY: randomBytes(32).toString('base64'),
    LAB_SIGNING_KEY: generateSigningKey().privateKeyPem,
    LAB_ACCESS_TOKEN_MINUTES: '60',
    USER_RATE_LIMIT_PER_MINUTE: '100000000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: 'info',
  };
}

export interface LabServer {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

/** The runtime role's connection string: the superuser's URL with the user swapped. */
export function runtimeUrl(adminUrl: string): string {
  const url = new URL(adminUrl);
  url.username = 'lab_app';
  return url.toString();
}

/**
 * Starts the lab in a child process against the bench database, configured through the environment
 * as an operator would: its own secrets, a pool of `poolSize`, in-process rate limits raised out of
 * the way (the benchmark is one user hammering the API).
 */
export async function startLabServer(adminUrl: string, poolSize: number): Promise<LabServer> {
  const { REDIS_URL: _redis, ...inherited } = process.env;
  const child = fork(new URL('./lab-server.process.ts', import.meta.url), [], {
    env: {
      ...inherited,
      DATABASE_URL: runtimeUrl(adminUrl),
      DATABASE_ADMIN_URL: adminUrl,
      DATABASE_POOL_SIZE: String(poolSize),
      ...benchLabEnv(),
    },
    // BENCH_PROFILE_DIR=/tmp/prof writes a V8 CPU profile of the lab server.
    execArgv: [
      ...process.execArgv,
      ...(process.env.BENCH_PROFILE_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
        : []),
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ url: string }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { url: string }));
    child.once('exit', (code) => reject(new Error(`the lab server exited with ${code}`)));
  });
  return { url: ready.url, pid: child.pid ?? 0, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send({ close: true });
  });
}
