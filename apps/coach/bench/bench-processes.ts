import { type ChildProcess, fork } from 'node:child_process';

/** Starts a benchmark helper process and waits for its first message. */
export async function startProcess<T>(
  script: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(new URL(script, import.meta.url), [], {
    env: { ...process.env, ...env },
    // BENCH_PROFILE_DIR writes a V8 CPU profile of the coach process for finding hot spots.
    execArgv:
      process.env.BENCH_PROFILE_DIR && script.includes('coach')
        ? [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
        : process.execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await new Promise<T>((resolve, reject) => {
    // The bench's own child processes announce themselves with the message their caller names.
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { child, ready };
}

/** Sends a message and waits for the reply. */
export function request<T>(child: ChildProcess, message: object): Promise<T> {
  return new Promise((resolve) => {
    // Our child answers each request with the reply its caller names (see fake-model.process.ts).
    child.once('message', (reply) => resolve(reply as T));
    child.send(message);
  });
}

/** Asks a helper to close and waits for it to exit. */
export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send({ close: true });
  });
}

/**
 * The environment of a coach process under an /ask benchmark: its database, the fake model, no
 * request limits in the way (what is measured is the request path, not the limiter).
 */
export function coachBenchEnv(
  database: { runtimeUrl: string; adminUrl: string },
  modelBaseUrl: string,
  jwtSecret: string,
): Record<string, string> {
  return {
    DATABASE_URL: database.runtimeUrl,
    DATABASE_ADMIN_URL: database.adminUrl,
    DATABASE_POOL_SIZE: '20',
    JWT_SECRET: jwtSecret,
    OPENAI_BASE_URL: modelBaseUrl,
    OPENAI_API_KEY: 'bench',
    OPENAI_MODEL: 'bench-model',
    ASK_RATE_LIMIT_PER_MINUTE: '100000000',
    USER_RATE_LIMIT_PER_MINUTE: '100000000',
  };
}
