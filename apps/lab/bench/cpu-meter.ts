import { readFileSync } from 'node:fs';

// Linux clock ticks per second (USER_HZ); /proc reports process and machine CPU time in these.
const ticks = 100;

function processSeconds(pid: number): number {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return Number.NaN;
  }
}

function machineBusySeconds(): number {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = values.map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) / ticks;
  } catch {
    return Number.NaN;
  }
}

export interface CpuShare {
  /** In cores (1 = one core busy the whole time). */
  server: number;
  bench: number;
  rest: number;
  /** The given database backends alone (part of `rest`): what PostgreSQL spent serving the server. */
  database: number;
}

/**
 * Starts measuring where the CPU went: the lab server, this process (the load generator), the rest;
 * and of the rest, the PostgreSQL backends `databasePids` (the server's pool connections), which
 * other work on a shared machine does not blur.
 */
export function cpuMeter(serverPid: number, databasePids: readonly number[] = []): () => CpuShare {
  const wall = performance.now();
  const server = processSeconds(serverPid);
  const bench = processSeconds(process.pid);
  const busy = machineBusySeconds();
  const backends = () => databasePids.reduce((sum, pid) => sum + (processSeconds(pid) || 0), 0);
  const database = backends();
  return () => {
    const seconds = (performance.now() - wall) / 1000;
    const s = (processSeconds(serverPid) - server) / seconds;
    const b = (processSeconds(process.pid) - bench) / seconds;
    const d = (backends() - database) / seconds;
    return { server: s, bench: b, rest: (machineBusySeconds() - busy) / seconds - s - b, database: d };
  };
}
