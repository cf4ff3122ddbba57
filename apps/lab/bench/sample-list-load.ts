import { type CpuShare, cpuMeter } from './cpu-meter.ts';
import { type LabClient, type Latency, load, timeSequential } from './lab-client.ts';
import type { SeededLab } from './sample-seeding.ts';
import { sampleTypes } from './sample-seeding.ts';

export interface ListMix {
  name: string;
  /** A fresh query string each call (random values of the same shape). */
  query: () => string;
}

const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)]!;
const day = 86_400_000;

/** The list screens people use: by status in a project, by type in a month, by id prefix, by batch. */
export function listMixes(seeded: SeededLab, total: number): ListMix[] {
  const span = seeded.to.getTime() - seeded.from.getTime();
  return [
    { name: 'first page, no filter', query: () => '' },
    {
      name: 'status + project',
      query: () =>
        `status=${pick(['in_storage', 'in_process', 'received', 'consumed'])}&project_id=${pick(seeded.projectIds)}`,
    },
    {
      name: 'type + created range (30 days)',
      query: () => {
        const from = seeded.from.getTime() + Math.random() * Math.max(0, span - 30 * day);
        return `sample_type=${pick(sampleTypes)}&created_from=${new Date(from).toISOString()}&created_to=${new Date(from + 30 * day).toISOString()}`;
      },
    },
    {
      // Prefixes matching 1,000, 100 or 10 business ids (S0012..., S00123..., S001234...).
      name: 'business id prefix (q)',
      query: () => {
        const id = String(1 + Math.floor(Math.random() * total)).padStart(7, '0');
        return `q=S${id.slice(0, 7 - pick([3, 2, 1]))}`;
      },
    },
    { name: 'batch', query: () => `batch_id=${pick(seeded.batchIds)}` },
  ];
}

export interface ListRun {
  mix: string;
  single: Latency;
  loaded: Latency;
  cpu: CpuShare;
  itemsSeen: number;
}

/**
 * Each mix: one client alone (what a page costs; 200 calls or 15 s), then `clients` concurrent clients for `seconds`
 * (what the issue asks for), after a warm-up. Every page must answer 200 with items.
 */
export async function measureLists(
  client: LabClient,
  baseUrl: string,
  mixes: ListMix[],
  options: {
    clients: number;
    seconds: number;
    singleCalls: number;
    serverPid: number;
    /** The server's database connections (pids), read after the warm-up has opened them all. */
    databasePids?: () => Promise<number[]>;
  },
): Promise<ListRun[]> {
  const runs: ListRun[] = [];
  for (const mix of mixes) {
    let itemsSeen = 0;
    const path = () => `/api/samples?${mix.query()}`;
    const single = await timeSequential(
      options.singleCalls,
      async () => {
        const page = await client.ok<{ items: unknown[] }>('GET', path());
        itemsSeen += page.items.length;
      },
      15_000,
    );
    const run = (seconds: number) =>
      load({
        url: baseUrl,
        headers: client.headers,
        connections: options.clients,
        seconds,
        next: () => ({ path: path() }),
      });
    await run(2);
    const cpu = cpuMeter(options.serverPid, (await options.databasePids?.()) ?? []);
    const loaded = await run(options.seconds);
    runs.push({ mix: mix.name, single, loaded, cpu: cpu(), itemsSeen: itemsSeen / single.count });
    console.log(
      `list ${mix.name}: alone p50 ${single.p50.toFixed(1)} ms; ${options.clients} clients p50 ${loaded.p50.toFixed(1)} / p99 ${loaded.p99.toFixed(1)} ms, ${Math.round(loaded.perSecond)}/s, failed ${loaded.failed}`,
    );
  }
  return runs;
}
