import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clonePostgresTemplate,
  exitWithin,
  freePort,
  logLinesThrough,
  portIsFree,
  unreadPipe,
  waitForHttp,
} from '@ours/platform/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { testJwtSecret } from './support/test-app.ts';

const cli = new URL('../src/cli.ts', import.meta.url).pathname;
// The coach waits for an in-flight answer: its model deadline plus 5 s.
const llmTimeoutMs = 2_000;
const shutdownTimeoutMs = llmTimeoutMs + 5_000;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The coach's database for a child: a copy of the template on PostgreSQL, or PGlite in `dir`. */
async function databaseEnv(dir: string): Promise<Record<string, string>> {
  const template = inject('coachTemplate');
  if (template.backend === 'pglite') return { COACH_DATA_DIR: dir };
  const clone = await clonePostgresTemplate(template, 'authenticator');
  cleanups.push(clone.drop);
  return {
    JWT_SECRET: testJwtSecret,
    DATABASE_URL: clone.runtimeUrl,
    DATABASE_ADMIN_URL: clone.adminUrl,
  };
}

describe('shutdown whatever happened to standard output', () => {
  it('exits on SIGTERM within its timeout while nobody reads its full stdout pipe', {
    timeout: 120_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coach-shutdown-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const port = await freePort();
    const pipe = unreadPipe(dir);
    const env = {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      LOG_LEVEL: 'debug',
      LLM_TIMEOUT_MS: String(llmTimeoutMs),
      ...(await databaseEnv(dir)),
    };
    const child = spawn(process.execPath, [cli, 'serve'], { env, stdio: ['ignore', pipe.writeFd, 'pipe'] });
    closeSync(pipe.writeFd);
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      pipe.closeReader();
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await waitForHttp(`http://127.0.0.1:${port}/health`, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${stderr}`);
    });
    await logLinesThrough(`http://127.0.0.1:${port}/no-such-route`, 1_500);

    child.kill('SIGTERM');
    expect(await exitWithin(child, shutdownTimeoutMs + 5_000)).toEqual({ code: 0, signal: null });
    expect(await portIsFree(port)).toBe(true);
  });
});
