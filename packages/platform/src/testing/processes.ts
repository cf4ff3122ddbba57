import { type ChildProcess, execFile, execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A local TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Whether something accepts connections on the local port. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Whether a process with this id exists (and is not a zombie awaiting its parent). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `check` holds, polling every 100 ms; rejects with `what` after `ms`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Resolves with what `probe` answers once it answers something (not undefined or false), polling
 * every `intervalMs`; rejects naming `what` after `ms`.
 */
export async function waitForValue<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until `url` answers any HTTP status (the service is listening). */
export function waitForHttp(url: string, ms: number): Promise<void> {
  return waitFor(
    () =>
      fetch(url).then(
        () => true,
        () => false,
      ),
    ms,
    `${url} to answer`,
  );
}

/** How a child ended, or `undefined` if it had not ended within `ms`. */
export function exitWithin(
  child: ChildProcess,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/**
 * A named pipe to hand a child as its standard output, with a read end that is open but never read
 * (the state of a harness that stopped reading): once 64 KiB are in it, the child's writes fail with
 * EAGAIN. `closeReader()` gives the other case: writes then fail with EPIPE.
 */
export function unreadPipe(dir: string): { writeFd: number; closeReader(): void } {
  const path = join(dir, `stdout-${process.pid}-${Date.now()}.fifo`);
  execFileSync('mkfifo', [path]);
  // Non-blocking, or opening a FIFO for reading waits for a writer.
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(path, constants.O_WRONLY);
  let open = true;
  return {
    writeFd,
    closeReader: () => {
      if (open) closeSync(readFd);
      open = false;
    },
  };
}

/** Sends `count` requests (`concurrency` at a time) so that the service writes that many log lines. */
export async function logLinesThrough(url: string, count: number, concurrency = 25): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      // A long request id: every access-log line carries it, so the log fills faster.
      await fetch(url, { headers: { 'x-request-id': `flood-${'x'.repeat(100)}-${next}` } }).then(
        (response) => response.arrayBuffer(),
        () => undefined,
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** How a finished command went: its exit code and everything it printed. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a Node script to the end as a child process (never throws on a non-zero exit). */
export function runScript(
  script: string,
  args: string[],
  options: { env: Record<string, string>; cwd?: string },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
