import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitWithin, freePort, runScript, waitFor } from '@ours/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The command line on a temporary embedded database: the same on both test projects, so run once.
const embedded = process.env.TEST_DB !== 'postgres';
const cli = new URL('../src/cli.ts', import.meta.url).pathname;
let dir: string;
let env: Record<string, string>;
const lab = (...args: string[]) => runScript(cli, args, { env });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-cli-'));
  env = { PATH: process.env.PATH ?? '', LAB_DATA_DIR: dir, LAB_ADMIN_PASSWORD: 'Correct-Horse-9!' };
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe.runIf(embedded)('npm run lab -- ...', { timeout: 120_000 }, () => {
  it('prints its usage to stdout and exits 0 for --help, -h and help', async () => {
    for (const word of ['--help', '-h', 'help']) {
      const result = await lab(word);
      expect(result, word).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Usage: npm run lab -- <command>/);
      expect(result.stdout).toMatch(/seed-demo/);
    }
  });

  it("prints a command's own usage for <command> --help and help <command>", async () => {
    for (const [args, synopsis] of [
      [['audit', '--help'], 'Usage: npm run lab -- audit <verify|checkpoint>'],
      [['create-admin', '-h'], 'Usage: npm run lab -- create-admin --email'],
      [['seed-demo', '--help'], 'Usage: npm run lab -- seed-demo'],
      [['help', 'serve'], 'Usage: npm run lab -- serve [--demo]'],
    ] as const) {
      const result = await lab(...args);
      expect(result, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout.startsWith(synopsis)).toBe(true);
    }
  });

  it('prints the usage to stderr and exits 2 for an unknown command or a bad option', async () => {
    const unknown = await lab('frobnicate');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"[\s\S]*Usage: npm run lab --/);
    const badOption = await lab('create-admin', '--nope');
    expect(badOption).toMatchObject({ code: 2, stdout: '' });
    expect(badOption.stderr).toMatch(/--nope[\s\S]*Usage: npm run lab -- create-admin/);
    expect(await lab('audit')).toMatchObject({ code: 2 });
  });

  it('seeds demo data with progress on stderr and what it added as snake_case JSON on stdout, once', async () => {
    expect((await lab('create-admin', '--email', 'ada@lab.test')).code).toBe(0);
    const seeded = await lab('seed-demo');
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stderr).toMatch(/\[1\/4\][\s\S]*\[2\/4\][\s\S]*\[3\/4\][\s\S]*\[4\/4\][\s\S]*done in/);
    const added = JSON.parse(seeded.stdout);
    expect(added).toMatchObject({
      added: true,
      counts: { samples: 300, lots_near_expiry: 4, overdue_devices: 1, workflows: 1 },
      workflow: { name: 'crystallization-monitoring', status: 'approved' },
      approver: { email: 'demo-approver@lab.example' },
    });
    // The demo approver's password: on stdout once, nowhere in the progress or verdict lines.
    expect(added.approver.password).toMatch(/^Demo-/);
    expect(seeded.stderr).not.toContain(added.approver.password);
    const again = await lab('seed-demo');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ added: false, counts: {} });
    expect(again.stderr).toMatch(/already there/);
  });

  it('prints audit verify as JSON on stdout and its verdict on stderr', async () => {
    const verified = await lab('audit', 'verify');
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, first_invalid_seq: null, reason: null });
    expect(verified.stderr).toMatch(/The audit trail is intact/);
  });

  it('says what to do when a running server holds the database; LAB_DEMO_DATA adds nothing twice', async () => {
    const port = await freePort();
    const server = spawn(process.execPath, [cli, 'serve'], {
      env: { ...env, PORT: String(port), LAB_DEMO_DATA: 'true', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await waitFor(() => output.includes('Demo data:'), 60_000, 'the demo data line');
      expect(output).toMatch(/Demo data: already there, nothing added/);
      const refused = await runScript(cli, ['seed-demo'], { env: { ...env, PORT: String(port) } });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`open in process ${server.pid}, the running lab server`);
      expect(refused.stderr).toContain(`curl -X POST http://127.0.0.1:${port}/api/admin/demo-data`);
      expect(refused.stderr).toContain('npm run lab -- serve --demo');
    } finally {
      server.kill('SIGTERM');
      await exitWithin(server, 15_000);
    }
  });

  it('reads .env from the working directory, with the real environment winning over it', async () => {
    const fromFile = join(dir, 'from-env-file');
    const fromEnvironment = join(dir, 'from-environment');
    await writeFile(
      join(dir, '.env'),
      `# as in apps/lab/.env.example\nLAB_DATA_DIR=${fromFile}\nLAB_ADMIN_PASSWORD="Correct-Horse-9!"\n`,
    );
    const bare = { PATH: process.env.PATH ?? '' };
    const created = await runScript(cli, ['create-admin', '--email', 'file@lab.test'], {
      env: bare,
      cwd: dir,
    });
    expect(created.code, created.stderr).toBe(0);
    expect(existsSync(join(fromFile, 'pgdata'))).toBe(true);
    const overridden = await runScript(cli, ['create-admin', '--email', 'env@lab.test'], {
      env: { ...bare, LAB_DATA_DIR: fromEnvironment },
      cwd: dir,
    });
    expect(overridden.code, overridden.stderr).toBe(0);
    expect(existsSync(join(fromEnvironment, 'pgdata'))).toBe(true);
    const missing = await runScript(cli, ['--help'], { env: { ...bare, ENV_FILE: join(dir, 'nope.env') } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ENV_FILE names a file that cannot be read/);
  });
});
