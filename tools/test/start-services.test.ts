import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exitWithin, freePort, portIsFree, processAlive, waitFor, waitForHttp } from '@ours/platform/testing';
import { afterEach, describe, expect, it } from 'vitest';

const repo = new URL('../../', import.meta.url).pathname;
// The coach's shutdown timeout is its model deadline plus 5 s; the lab's is 10 s.
const shutdownMs = 12_000;

/** The pids whose parent is `pid`, read from /proc. */
function childrenOf(pid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name sits in parentheses and may hold spaces: the fields after it are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

interface Started {
  npm: ChildProcess;
  supervisor: number;
  coach: number;
  lab: number;
  ports: { coach: number; lab: number };
  output: () => string;
}

const started: Started[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const run of started.splice(0)) {
    for (const pid of [run.coach, run.lab, run.supervisor, run.npm.pid ?? 0]) {
      if (pid && processAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'npm-start-'));
  dirs.push(dir);
  return dir;
}

/** `npm start` exactly as a person runs it, on fresh embedded databases and free ports. */
async function npmStart(dir: string, args: string[] = []): Promise<Started> {
  const ports = { coach: await freePort(), lab: await freePort() };
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    COACH_DATA_DIR: join(dir, 'coach'),
    LAB_DATA_DIR: join(dir, 'lab'),
    PORT: String(ports.coach),
    LAB_PORT: String(ports.lab),
    LLM_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'warn',
  };
  const npm = spawn('npm', ['start', ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd: repo,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  npm.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const run = { npm, ports, output: () => output } as Started;
  started.push(run);
  await Promise.all([
    waitForHttp(`http://127.0.0.1:${ports.coach}/health`, 90_000),
    waitForHttp(`http://127.0.0.1:${ports.lab}/health`, 90_000),
  ]).catch((error: Error) => {
    throw new Error(`${error.message}\n${output}`);
  });
  const [supervisor] = childrenOf(npm.pid ?? 0).filter((pid) => commandOf(pid).includes('start-services'));
  expect(supervisor, `no start-services process under npm (is a shell in between?)`).toBeDefined();
  run.supervisor = supervisor as number;
  for (const pid of childrenOf(run.supervisor)) {
    if (commandOf(pid).includes('apps/coach/src/cli.ts')) run.coach = pid;
    if (commandOf(pid).includes('apps/lab/src/cli.ts')) run.lab = pid;
  }
  expect(run.coach && run.lab).toBeTruthy();
  return run;
}

async function expectAllGone(run: Started): Promise<void> {
  for (const pid of [run.coach, run.lab, run.supervisor]) {
    await waitFor(() => !processAlive(pid), shutdownMs, `process ${pid} (${commandOf(pid)}) to exit`);
  }
  expect(await portIsFree(run.ports.coach)).toBe(true);
  expect(await portIsFree(run.ports.lab)).toBe(true);
}

describe('npm start', { timeout: 180_000 }, () => {
  it('stops both services, freeing their ports, when npm gets SIGTERM', async () => {
    const run = await npmStart(await dataDir());
    process.kill(run.npm.pid ?? 0, 'SIGTERM');
    expect(await exitWithin(run.npm, shutdownMs)).toBeDefined();
    await expectAllGone(run);
  });

  it('stops the other service, and itself with a failure, when one service dies', async () => {
    const run = await npmStart(await dataDir());
    process.kill(run.lab, 'SIGKILL');
    const ended = await exitWithin(run.npm, shutdownMs);
    expect(ended?.code).not.toBe(0);
    await expectAllGone(run);
    expect(run.output()).toMatch(/lab exited \(SIGKILL\); stopping the others/);
  });

  it('never leaves a service running when the supervisor itself is killed', async () => {
    const run = await npmStart(await dataDir());
    process.kill(run.supervisor, 'SIGKILL');
    await expectAllGone(run);
  });

  it('fills the lab with demo data at start with -- --demo', async () => {
    const dir = await dataDir();
    // Demo records belong to an administrator: create one first, as the README says.
    await promisify(execFile)(
      process.execPath,
      ['apps/lab/src/cli.ts', 'create-admin', '--email', 'ada@lab.test'],
      {
        cwd: repo,
        env: {
          PATH: process.env.PATH ?? '',
          LAB_DATA_DIR: join(dir, 'lab'),
          LAB_ADMIN_PASSWORD: 'Correct-Horse-9!',
        },
      },
    );
    const run = await npmStart(dir, ['--demo']);
    await waitFor(() => /Demo data added: \{/.test(run.output()), 120_000, 'the demo data');
    expect(run.output()).toMatch(/"samples":300/);
    process.kill(run.npm.pid ?? 0, 'SIGTERM');
    await expectAllGone(run);
  });

  it('reads .env from the working directory once, for both services, the lab keeping its own names', async () => {
    const dir = await dataDir();
    const ports = { coach: await freePort(), lab: await freePort() };
    // One .env for both: the shared names are the coach's; the lab's come with the LAB_ prefix.
    await writeFile(
      join(dir, '.env'),
      [
        `PORT=${ports.coach}`,
        `LAB_PORT=${ports.lab}`,
        `COACH_DATA_DIR=${join(dir, 'coach')}`,
        `LAB_DATA_DIR=${join(dir, 'lab')}`,
        'ALLOWED_ORIGINS=http://coach.example',
        'LLM_TIMEOUT_MS=2000',
        'LOG_LEVEL=warn',
      ].join('\n'),
    );
    const supervisor = spawn(process.execPath, [join(repo, 'tools/start-services.ts')], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
      stdio: 'ignore',
    });
    try {
      await waitForHttp(`http://127.0.0.1:${ports.coach}/health`, 90_000);
      await waitForHttp(`http://127.0.0.1:${ports.lab}/health`, 90_000);
      const corsFor = async (port: number) =>
        (
          await fetch(`http://127.0.0.1:${port}/health`, { headers: { origin: 'http://coach.example' } })
        ).headers.get('access-control-allow-origin');
      expect(await corsFor(ports.coach)).toBe('http://coach.example');
      expect(await corsFor(ports.lab)).toBeNull();
    } finally {
      supervisor.kill('SIGTERM');
      expect(await exitWithin(supervisor, shutdownMs)).toBeDefined();
    }
  });
});
