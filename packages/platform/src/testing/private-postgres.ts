import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { appendFile, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { exitWithin, freePort, waitFor } from './processes.ts';

/** A PostgreSQL cluster of a test's own (its data directory, its port): it may crash it at will. */
export interface PrivatePostgres {
  readonly port: number;
  /** The superuser's URL for `database` (trust authentication, loopback only). */
  url(database?: string, user?: string): string;
  /** Starts the cluster (again: after a crash, this is crash recovery from the WAL). */
  start(): Promise<void>;
  /**
   * kill -9 of the whole server at once: the postmaster and every process it started, so no
   * backend finishes anything, nothing is checkpointed and no buffer is written on the way out.
   */
  crash(): Promise<void>;
  /** What the server logged (the tail), for failure messages. */
  log(): string;
  /** Stops it (immediately) and removes its directory. */
  close(): Promise<void>;
}

/** The binaries of the newest PostgreSQL installed the Debian way, else whatever is on PATH. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return '';
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : '';
}

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` account. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

function run(command: string, args: string[], account: { uid: number; gid: number } | undefined) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { ...account, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${output}`)),
    );
  });
}

/** The processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // It ended while we looked.
    }
  }
  return found;
}

/** Gone or a zombie (its parent may be slow to reap it; it runs nothing any more). */
function ended(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/**
 * initdb into a new temporary directory and start the cluster on a free loopback port, durable
 * as production runs it (fsync, synchronous_commit and full_page_writes on) unless `settings`
 * say otherwise. Linux only (it reads /proc to find the server's processes).
 */
export async function startPrivatePostgres(
  options: { settings?: Record<string, string> } = {},
): Promise<PrivatePostgres> {
  const bin = binDir();
  const tool = (name: string) => (bin ? join(bin, name) : name);
  const account = runAs();
  const root = await mkdtemp(join(tmpdir(), 'private-pg-'));
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  await mkdir(dataDir);
  if (account) {
    await chown(root, account.uid, account.gid);
    await chown(dataDir, account.uid, account.gid);
  }
  const port = await freePort();
  const settings: Record<string, string> = {
    port: String(port),
    listen_addresses: "'127.0.0.1'",
    unix_socket_directories: `'${root}'`,
    fsync: 'on',
    synchronous_commit: 'on',
    full_page_writes: 'on',
    max_connections: '60',
    shared_buffers: "'32MB'",
    ...options.settings,
  };
  const url = (database = 'postgres', user = 'postgres') =>
    `postgres://${user}@127.0.0.1:${port}/${database}`;
  let postmaster: ChildProcess | undefined;
  const running = () =>
    postmaster !== undefined && postmaster.exitCode === null && postmaster.signalCode === null;
  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-16_384);
    } catch {
      return '';
    }
  };
  // The postmaster runs as this process's child (not daemonized by pg_ctl): where nothing reaps
  // orphans (a container's init may not), a killed daemon would stay a zombie, and its lock file
  // would name a process that still "exists" and refuse the restart.
  const start = async () => {
    if (running()) throw new Error('the private PostgreSQL is already running');
    const log = openSync(logFile, 'a');
    const started = spawn(tool('postgres'), ['-D', dataDir], { ...account, stdio: ['ignore', log, log] });
    closeSync(log);
    postmaster = started;
    await waitFor(
      async () => {
        if (started.exitCode !== null || started.signalCode !== null) {
          throw new Error(`the private PostgreSQL exited while starting\n${logTail()}`);
        }
        const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 2_000 });
        client.on('error', () => {});
        return client.connect().then(
          () => client.end().then(() => true),
          () => false,
        );
      },
      60_000,
      'the private PostgreSQL to accept connections',
    ).catch((error: unknown) => {
      started.kill('SIGKILL');
      throw error;
    });
  };
  try {
    await run(
      tool('initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
      account,
    );
    const lines = Object.entries(settings).map(([name, value]) => `${name} = ${value}`);
    await appendFile(join(dataDir, 'postgresql.conf'), `\n${lines.join('\n')}\n`);
    await start();
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url,
    start,
    crash: async () => {
      if (!postmaster?.pid || !running()) throw new Error('the private PostgreSQL is not running');
      // Stopped first, so it forks no backend between the listing of its processes and the kill.
      process.kill(postmaster.pid, 'SIGSTOP');
      const all = [...childrenOf(postmaster.pid), postmaster.pid];
      for (const pid of all) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await exitWithin(postmaster, 30_000);
      await waitFor(() => all.every(ended), 30_000, 'the killed PostgreSQL processes to end');
    },
    log: logTail,
    close: async () => {
      if (postmaster && running()) {
        // Immediate shutdown: the test is over, nothing needs a checkpoint.
        postmaster.kill('SIGQUIT');
        if (!(await exitWithin(postmaster, 30_000))) postmaster.kill('SIGKILL');
        await exitWithin(postmaster, 10_000);
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
