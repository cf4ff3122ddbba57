import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = new URL('../src/cli.ts', import.meta.url).pathname;
const run = promisify(execFile);
let dataDir: string;
let server: ChildProcess;
let baseUrl: string;
let output = '';

// The real entry point, as `npm start` runs it: a fresh data directory, no configuration at all.
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'coach-server-'));
  const env = { PATH: process.env.PATH ?? '', COACH_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' };
  server = spawn(process.execPath, [cli, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 50_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}, 60_000);
afterAll(async () => {
  if (server.exitCode === null) server.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start on a fresh machine', () => {
  it('prints its URL, the docs and how to get a token', () => {
    expect(output).toContain(`STRUKT coach listening on ${baseUrl}`);
    expect(output).toContain('/docs');
    expect(output).toContain('npm run coach -- token --email you@example.com');
    expect(output).toContain('Model: not configured (set OPENAI_API_KEY or OPENAI_BASE_URL)');
  });

  it('generates its token secret once, readable only by its owner', async () => {
    const info = await stat(join(dataDir, 'jwt-secret'));
    expect(info.mode & 0o777).toBe(0o600);
  });

  it('accepts a token from the token command and answers /ask with the not-configured fallback', async () => {
    const { stdout } = await run(process.execPath, [cli, 'token', '--email', 'you@example.com'], {
      env: { PATH: process.env.PATH ?? '', COACH_DATA_DIR: dataDir },
    });
    const token = stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const response = await fetch(`${baseUrl}/ask`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ success: false, fallback: true, reason: 'not_configured' });
  });

  it('refuses a second process on the same embedded database while the server runs', async () => {
    const attempt = run(process.execPath, [cli, 'jobs', 'run', 'check-user-status', '--dry-run'], {
      env: { PATH: process.env.PATH ?? '', COACH_DATA_DIR: dataDir },
    });
    await expect(attempt).rejects.toMatchObject({ stderr: expect.stringMatching(/in use by process \d+/) });
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('runs jobs from the command line once the server is stopped', async () => {
    const env = { PATH: process.env.PATH ?? '', COACH_DATA_DIR: dataDir };
    const digest = await run(
      process.execPath,
      [cli, 'jobs', 'run', 'weekly-digest', '--week', '2026-W47', '--dry-run'],
      { env },
    );
    expect(JSON.parse(digest.stdout)).toMatchObject({
      dry_run: true,
      week: '2026-W47',
      pending: 0,
      already_done: 0,
    });
    const status = await run(
      process.execPath,
      [cli, 'jobs', 'run', 'check-user-status', '--date', '2026-11-23'],
      { env },
    );
    expect(JSON.parse(status.stdout)).toMatchObject({
      run: { name: 'check-user-status', slot: '2026-11-23', status: 'success' },
    });
    const bad = run(process.execPath, [cli, 'jobs', 'run', 'weekly-digest', '--week', '2026-W99'], { env });
    await expect(bad).rejects.toMatchObject({ stderr: expect.stringMatching(/not an ISO week/) });
  }, 60_000);
});
