import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, testAdminUrl, waitFor } from '@ours/platform/testing';
import pg from 'pg';
import { inject } from 'vitest';

const repository = join(import.meta.dirname, '..', '..', '..', '..');

/** A lab server of its own for a browser test file: a real process on a new, empty PostgreSQL database. */
export interface LabServer {
  url: string;
  /** The one-time setup token the server printed at start (first run). */
  setupToken: string;
  /** The server's database as the PostgreSQL superuser (tests that tamper with it, as an attacker would). */
  databaseUrl: string;
  /** Everything the server printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: testAdminUrl() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function databaseUrl(database: string, user?: string): string {
  const url = new URL(testAdminUrl());
  url.pathname = `/${database}`;
  if (user) {
    url.username = user;
    url.password = '';
  }
  return url.toString();
}

/**
 * Starts `npm run lab -- serve` the way an operator does (migrations and roles at start, the built
 * UI served at /), on a fresh database and data directory, with `env` on top.
 */
export async function startLabServer(env: Record<string, string> = {}): Promise<LabServer> {
  const database = `lab_web_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${database}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'lab-web-'));
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [join(repository, 'apps', 'lab', 'src', 'cli.ts'), 'serve'],
    {
      cwd: repository,
      env: {
        PATH: process.env.PATH ?? '',
        ENV_FILE: '',
        HOST: '127.0.0.1',
        PORT: String(port),
        LAB_DATA_DIR: join(dataDir, 'lab'),
        DATABASE_URL: databaseUrl(database, 'lab_app'),
        DATABASE_ADMIN_URL: databaseUrl(database),
        // A server on PostgreSQL takes its secrets from the environment, as in production.
        LAB_JWT_SECRET: randomBytes(32).toString('base64url'),
        LAB_SECRET_KEY: randomBytes(32).toString('base64'),
        LAB_SIGNING_KEY: generateKeyPairSync('ed25519')
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
        LOG_LEVEL: 'warn',
        LAB_WEB_UI_DIR: inject('labWebBuild'),
        LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
        ANON_RATE_LIMIT_PER_MINUTE: '10000',
        USER_RATE_LIMIT_PER_MINUTE: '100000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let setupToken = '';
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`the lab server exited:\n${output}`);
        setupToken = /"setup_token":"([^"]+)"/.exec(output)?.[1] ?? '';
        return setupToken !== '';
      },
      60_000,
      'the lab server to start and print its setup token',
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    setupToken,
    databaseUrl: databaseUrl(database),
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
