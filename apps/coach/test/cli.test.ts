import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitWithin, freePort, runScript, waitFor } from '@ours/platform/testing';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The command line on a temporary embedded database: the same on both test projects, so run once.
const embedded = process.env.TEST_DB !== 'postgres';
const cli = new URL('../src/cli.ts', import.meta.url).pathname;
let dir: string;
let env: Record<string, string>;
const coach = (...args: string[]) => runScript(cli, args, { env });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coach-cli-'));
  env = { PATH: process.env.PATH ?? '', COACH_DATA_DIR: dir };
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe.runIf(embedded)('npm run coach -- ...', { timeout: 120_000 }, () => {
  it('prints its usage to stdout and exits 0 for --help, -h and help', async () => {
    for (const word of ['--help', '-h', 'help']) {
      const result = await coach(word);
      expect(result, word).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Usage: npm run coach -- <command>[\s\S]*jobs[\s\S]*token/);
    }
  });

  it("prints a command's own usage for <command> --help and help <command>", async () => {
    for (const [args, synopsis] of [
      [['jobs', '--help'], 'Usage: npm run coach -- jobs run <job>'],
      [['token', '-h'], 'Usage: npm run coach -- token --email'],
      [['help', 'worker'], 'Usage: npm run coach -- worker'],
    ] as const) {
      const result = await coach(...args);
      expect(result, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout.startsWith(synopsis)).toBe(true);
    }
  });

  it('prints the usage to stderr and exits 2 for an unknown command, job or option', async () => {
    const unknown = await coach('frobnicate');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"[\s\S]*Usage: npm run coach --/);
    for (const args of [
      ['jobs', 'run', 'no-such-job'],
      ['jobs', 'run', 'weekly-digest', '--week', '2026-W99'],
      ['token', '--frob'],
      ['token'],
    ]) {
      const result = await coach(...args);
      expect(result, args.join(' ')).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(/Usage: npm run coach -- (jobs|token)/);
    }
  });

  it('prints job results as snake_case JSON, like GET /admin/jobs', async () => {
    const result = await coach('jobs', 'run', 'weekly-digest', '--week', '2026-W47', '--dry-run');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      dry_run: true,
      week: '2026-W47',
      pending: 0,
      already_done: 0,
    });
    const status = await coach('jobs', 'run', 'check-user-status', '--date', '2026-11-23', '--dry-run');
    expect(status.code, status.stderr).toBe(0);
    expect(Object.keys(JSON.parse(status.stdout))).toContain('held_for_review');
  });

  it('names the model and where it is served at start-up, never the key', async () => {
    const port = await freePort();
    const server = spawn(process.execPath, [cli, 'serve'], {
      env: {
        ...env,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        OPENAI_API_KEY: 'sk-very-secret-key',
        OPENAI_BASE_URL: 'http://someone:hunter2@127.0.0.1:11434/v1?key=sk-in-the-query',
        OPENAI_MODEL: 'llama3.1',
        OPENAI_FALLBACK_MODEL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    server.stdout?.on('data', collect);
    server.stderr?.on('data', collect);
    try {
      await waitFor(() => output.includes('Model:'), 60_000, 'the start-up banner');
      expect(output).toContain('Model: llama3.1 at http://127.0.0.1:11434/v1');
      for (const secret of ['sk-very-secret-key', 'hunter2', 'sk-in-the-query'])
        expect(output).not.toContain(secret);
    } finally {
      server.kill('SIGTERM');
      await exitWithin(server, 15_000);
    }
  });

  it('reads .env from the working directory, with the real environment winning over it', async () => {
    const fileSecret = 'a-secret-from-the-env-file-long-enough-0123456789';
    const realSecret = 'a-secret-from-the-real-environment-long-enough-0123';
    await writeFile(join(dir, '.env'), `JWT_SECRET=${fileSecret}\nCOACH_DATA_DIR=${dir}\n`);
    const bare = { PATH: process.env.PATH ?? '' };
    const verifies = async (token: string, secret: string) =>
      jwtVerify(token, new TextEncoder().encode(secret)).then(
        () => true,
        () => false,
      );
    const fromFile = await runScript(cli, ['token', '--email', 'a@example.com'], { env: bare, cwd: dir });
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(await verifies(fromFile.stdout.trim(), fileSecret)).toBe(true);
    const fromEnvironment = await runScript(cli, ['token', '--email', 'a@example.com'], {
      env: { ...bare, JWT_SECRET: realSecret },
      cwd: dir,
    });
    expect(await verifies(fromEnvironment.stdout.trim(), realSecret)).toBe(true);
  });

  it('exits 1 when the server cannot start after it connected to Redis (port taken), not hang', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = await runScript(cli, ['serve'], {
        env: { ...env, PORT: String(port), REDIS_URL: 'redis://127.0.0.1:6379', LOG_LEVEL: 'silent' },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/EADDRINUSE/);
    } finally {
      taken.close();
    }
  });
});
