import { type ChildProcess, spawn } from 'node:child_process';

/**
 * `npm start`: the coach and the lab side by side, each in its own process (one crash domain and one
 * embedded database each). The coach reads the usual variables; the lab reads the same names, mapped
 * from LAB_-prefixed ones here, so one shell can configure both without them sharing a database.
 */
const env = process.env;

function labEnv(): NodeJS.ProcessEnv {
  const mapped: NodeJS.ProcessEnv = { ...env, PORT: env.LAB_PORT ?? '8001' };
  for (const name of [
    'DATABASE_URL',
    'DATABASE_ADMIN_URL',
    'DATABASE_POOL_SIZE',
    'ALLOWED_ORIGINS',
  ] as const) {
    const own = env[`LAB_${name}`];
    if (own === undefined) delete mapped[name];
    else mapped[name] = own;
  }
  return mapped;
}

const services: Record<string, { script: string; env: NodeJS.ProcessEnv }> = {
  coach: { script: 'apps/coach/src/cli.ts', env },
  lab: { script: 'apps/lab/src/cli.ts', env: labEnv() },
};

const children = new Map<string, ChildProcess>();
let stopping = false;

function stopAll(signal: NodeJS.Signals): void {
  stopping = true;
  for (const child of children.values()) child.kill(signal);
}

for (const [name, service] of Object.entries(services)) {
  const child = spawn(process.execPath, [service.script, 'serve'], { env: service.env, stdio: 'inherit' });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      // One service down means the pair is not running as documented: stop the other and say so.
      console.error(`${name} exited (${signal ?? `code ${code}`}); stopping the others`);
      process.exitCode = code || 1;
      stopAll('SIGTERM');
    }
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopAll(signal));
