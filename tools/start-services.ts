import { type ChildProcess, spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadEnvFile } from '@ours/platform/config';
import { messageOf } from '@ours/platform/errors';
import { ensureWebUiBuilt } from './web-ui-build.ts';

/**
 * `npm start`: the coach and the lab side by side, each in its own process (one crash domain and one
 * embedded database each). The coach reads the usual variables; the lab reads the same names, mapped
 * from LAB_-prefixed ones here, so one shell can configure both without them sharing a database.
 *
 * Lifetimes are tied together: a signal to this process (npm forwards SIGINT/SIGTERM to it; the
 * script `exec`s node so no shell sits in between) stops both services; a service that exits stops
 * the other; and each service watches its IPC channel to us, so it stops even if we are SIGKILLed.
 */
try {
  // .env in the working directory, under the real environment: loaded once, here, for both services.
  loadEnvFile();
} catch (error) {
  console.error(messageOf(error));
  process.exit(1);
}
// The services must not load it again: the lab's copy has the shared names mapped from LAB_ ones,
// and a second load would put the coach's DATABASE_URL (say) back into it.
const env: NodeJS.ProcessEnv = { ...process.env, ENV_FILE: '' };

const usage = `Usage: npm start [-- --demo]
  Starts the coach and the lab. --demo also fills the lab's main lab with demo data (once; the same
  as LAB_DEMO_DATA=true). Configure with the variables in README.md (the lab's with a LAB_ prefix).`;

function readArgs(): { demo: boolean } {
  try {
    const { values } = parseArgs({
      options: { demo: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log(usage);
      process.exit(0);
    }
    return { demo: values.demo ?? false };
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n${usage}`);
    process.exit(2);
  }
}
const args = readArgs();

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

// The lab serves the web UI from apps/lab-web/dist unless told to serve another build.
if (env.LAB_WEB_UI_DIR === undefined) {
  try {
    await ensureWebUiBuilt((line) => console.log(line));
  } catch (error) {
    console.error(`The lab web UI could not be built: ${messageOf(error)}`);
    process.exit(1);
  }
}

const cliOf = (app: string) => new URL(`../apps/${app}/src/cli.ts`, import.meta.url).pathname;

const services: Record<string, { args: string[]; env: NodeJS.ProcessEnv }> = {
  // The operator page is off unless configured; a local evaluation gets it (it shows nothing without
  // a service-role token).
  coach: { args: [cliOf('coach'), 'serve'], env: { ADMIN_PAGE_ENABLED: 'true', ...env } },
  lab: { args: [cliOf('lab'), 'serve', ...(args.demo ? ['--demo'] : [])], env: labEnv() },
};

// A Ctrl+C reaches us twice (from the terminal and forwarded by npm): one request, not two.
const duplicateWindowMs = 1_000;
// The services end themselves within their own shutdown timeouts; this only catches one that hangs.
const killAfterMs = 60_000;

const children = new Map<string, ChildProcess>();
let stopRequestedAt: number | undefined;

function stopAll(signal: NodeJS.Signals): void {
  const now = Date.now();
  if (stopRequestedAt !== undefined && now - stopRequestedAt < duplicateWindowMs) return;
  // A later signal is forwarded again: the services take a second signal as "exit now".
  if (stopRequestedAt === undefined) {
    setTimeout(() => {
      for (const child of children.values()) child.kill('SIGKILL');
    }, killAfterMs).unref();
  }
  stopRequestedAt = now;
  for (const child of children.values()) child.kill(signal);
}

for (const [name, service] of Object.entries(services)) {
  const child = spawn(process.execPath, service.args, {
    env: service.env,
    // The IPC channel is the services' lifeline to this supervisor. Their own process group keeps
    // terminal signals from reaching them directly: they get exactly what is forwarded here.
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (stopRequestedAt === undefined) {
      // One service down means the pair is not running as documented: stop the other and say so.
      console.error(`${name} exited (${signal ?? `code ${code}`}); stopping the others`);
      process.exitCode = code || 1;
      stopAll('SIGTERM');
    }
  });
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stopAll(signal));
