import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { exitWithin, waitFor } from '@ours/platform/testing';

// For the kill -9 tests (durability-kill.test.ts): the lab as a process to crash, and a load that
// records exactly which writes the lab acknowledged.
const cli = new URL('../../src/cli.ts', import.meta.url).pathname;
const clients = 16;

/** What the lab acknowledged (2xx) during a load, each write under the request id it was sent with. */
export interface Ledger {
  creates: { requestId: string; sampleId: string; id: string }[];
  updates: { requestId: string; id: string; mark: string }[];
}

export interface Load {
  ledger: Ledger;
  /** Stops sending and waits for the requests in flight to end (acknowledged or not). */
  stop(): Promise<Ledger>;
}

/**
 * `clients` loops, each creating samples `<prefix>-<client>-<n>` and changing every other one (a
 * reason and a mark in its metadata), until stopped. A write that fails (a dead server, a 500 while
 * the database is down) is not acknowledged and stays out of the ledger; the client goes on.
 */
export function startLoad(url: string, token: string, prefix: string): Load {
  const ledger: Ledger = { creates: [], updates: [] };
  let running = true;
  const send = async (method: string, path: string, body: object) => {
    const requestId = `dur-${randomUUID()}`;
    try {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'x-request-id': requestId,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      return response.ok ? { requestId, json: JSON.parse(text) as { id: string } } : undefined;
    } catch {
      // Refused or cut off: the server is down. Not acknowledged; a short pause before the next try.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return undefined;
    }
  };
  const client = async (index: number) => {
    for (let n = 1; running; n += 1) {
      const sampleId = `${prefix}-${index}-${n}`;
      const created = await send('POST', '/api/samples', {
        sample_id: sampleId,
        sample_type: 'powder',
        quantity: n,
        unit: 'mg',
      });
      if (!created) continue;
      ledger.creates.push({ requestId: created.requestId, sampleId, id: created.json.id });
      if (n % 2 === 1 || !running) continue;
      const mark = randomUUID();
      const changed = await send('PATCH', `/api/samples/${created.json.id}`, {
        quantity: n + 0.5,
        metadata: { mark },
        reason: 'weighed again',
      });
      if (changed) ledger.updates.push({ requestId: changed.requestId, id: created.json.id, mark });
    }
  };
  const all = Promise.all(Array.from({ length: clients }, (_, index) => client(index + 1)));
  return {
    ledger,
    stop: async () => {
      running = false;
      await all;
      return ledger;
    },
  };
}

/** The lab server as a child process on a fixed port (kept across restarts). */
export interface LabProcess {
  readonly url: string;
  running(): boolean;
  /** Whatever it printed last, for failure messages. */
  printed(): string;
  /** Starts it (again) and resolves once /health answers 200. */
  start(): Promise<void>;
  /** Resolves once /health answers 200 (its database check included). */
  healthy(ms: number): Promise<void>;
  /** kill -9: no shutdown hook runs, requests in flight are cut off. */
  kill(): Promise<void>;
}

export function labProcess(port: number, env: Record<string, string>): LabProcess {
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let printed = '';
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const healthy = (ms: number) =>
    waitFor(
      async () => {
        if (!running()) throw new Error(`the lab exited\n${printed}`);
        return fetch(`${url}/health`).then(
          (response) => response.status === 200,
          () => false,
        );
      },
      ms,
      'the lab to answer /health',
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${printed}`);
    });
  return {
    url,
    running,
    printed: () => printed,
    healthy,
    start: async () => {
      child = spawn(process.execPath, [cli, 'serve'], {
        env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
        // With an IPC channel the server stops by itself if this test process dies.
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      const keep = (chunk: Buffer) => {
        printed = (printed + chunk.toString()).slice(-32_768);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      await healthy(60_000);
    },
    kill: async () => {
      if (!child || !running()) return;
      child.kill('SIGKILL');
      await exitWithin(child, 15_000);
    },
  };
}
