import { createSecretKey } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { type AuditRange, walkRangeOverCopy } from './audit-range.ts';

/**
 * A worker thread that walks one seq range of the audit chain (see `verifyChain`): its own connection,
 * as the role the verifying transaction runs as, inside that transaction's exported snapshot, so it
 * reads exactly the rows the caller would. Posts progress, then its `RangeResult` (or an error).
 */
export interface RangeWorkerData {
  url: string;
  role: string;
  snapshot: string;
  range: AuditRange;
  macKey: Uint8Array;
  progressEvery: number;
}

export type RangeWorkerMessage =
  | { type: 'progress'; checked: number }
  | { type: 'done'; result: import('./audit-range.ts').RangeResult }
  | { type: 'error'; name: string; message: string; stack: string | undefined };

const data = workerData as RangeWorkerData;
const port = parentPort;
if (!port) throw new Error('audit-verify.worker.ts runs as a worker thread');
const post = (message: RangeWorkerMessage) => port.postMessage(message);

const client = new pg.Client({ connectionString: data.url, options: '-c TimeZone=UTC' });
client.on('error', () => {}); // a dropped connection fails the walk's query, reported below
try {
  await client.connect();
  const who = await client.query<{ same: boolean; superuser: boolean }>(
    `select current_user = $1 as same,
       coalesce((select rolsuper from pg_roles where rolname = current_user), false) as superuser`,
    [data.role],
  );
  const { same, superuser } = who.rows[0] ?? { same: false, superuser: false };
  if (!same) {
    // The pool demotes a superuser login the same way: the walk reads what the runtime role may read.
    const role = client.escapeIdentifier(data.role);
    await client.query(superuser ? `set session authorization ${role}` : `set role ${role}`);
  }
  await client.query('begin isolation level repeatable read read only');
  await client.query(`set transaction snapshot ${client.escapeLiteral(data.snapshot)}`);
  const result = await walkRangeOverCopy(client, data.range, createSecretKey(data.macKey), {
    every: data.progressEvery,
    onProgress: (checked) => post({ type: 'progress', checked }),
  });
  if (result.broken) {
    // The walk stopped at a wrong entry with the COPY still sending: drop the connection instead.
    client.connection.stream.destroy();
  } else {
    await client.query('commit');
    await client.end();
  }
  post({ type: 'done', result });
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'error', name: e.name, message: e.message, stack: e.stack });
  client.connection.stream.destroy();
}
