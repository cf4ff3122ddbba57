import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  exitWithin,
  freePort,
  logLinesThrough,
  portIsFree,
  unreadPipe,
  waitForHttp,
} from '@ours/platform/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { childDatabaseEnv } from './support/child-database.ts';

const cli = new URL('../src/cli.ts', import.meta.url).pathname;
const shutdownTimeoutMs = 10_000;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A real lab process whose standard output is a pipe nobody reads, with a full pipe of logs. */
async function labWithStalledStdout(): Promise<{ child: ChildProcess; port: number; closeReader(): void }> {
  const dir = await mkdtemp(join(tmpdir(), 'lab-shutdown-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort();
  const pipe = unreadPipe(dir);
  const env = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    LOG_LEVEL: 'debug',
    ...(await childDatabaseEnv(dir, cleanups)),
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
  // About 250 bytes a line: far more than the 64 KiB a pipe holds.
  await logLinesThrough(`http://127.0.0.1:${port}/no-such-route`, 1_500);
  return { child, port, closeReader: pipe.closeReader };
}

describe('shutdown whatever happened to standard output', { timeout: 120_000 }, () => {
  it('exits on SIGTERM within its timeout while nobody reads its full stdout pipe', async () => {
    const { child, port } = await labWithStalledStdout();
    child.kill('SIGTERM');
    expect(await exitWithin(child, shutdownTimeoutMs + 5_000)).toEqual({ code: 0, signal: null });
    expect(await portIsFree(port)).toBe(true);
  });

  it('keeps serving, then exits on SIGTERM, after the reader of its stdout went away', async () => {
    const { child, port, closeReader } = await labWithStalledStdout();
    closeReader();
    // More lines: their writes now fail with EPIPE, which must neither crash nor stall the service.
    await logLinesThrough(`http://127.0.0.1:${port}/no-such-route`, 200);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exitWithin(child, shutdownTimeoutMs + 5_000)).toEqual({ code: 0, signal: null });
    expect(await portIsFree(port)).toBe(true);
  });
});
