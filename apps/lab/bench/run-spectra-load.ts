import { sql } from 'kysely';
import { readInLabs } from '../src/modules/sites/index.ts';
import { type Latency, summarise } from './lab-client.ts';
import { probeAcquisitions } from './run-acquisition-probe.ts';
import { labCpu, type RunBenchLab } from './run-bench-lab.ts';
import { spectraLoop } from './run-workflows.ts';

export interface SpectraLoad {
  runs: number;
  seconds: number;
  acquisitionS: number;
  /** Spectra the drivers returned (counted in the driver). */
  produced: number;
  /** run_data rows of those runs. */
  stored: number;
  /** Frames a second, per run (ideal: 1 / acquisition_s). */
  ratePerRun: number;
  /** Driver returned a spectrum → driver asked for the next: checkpoint, events and engine work. */
  overhead: Latency;
  storage: { rows: number; totalBytes: number; heapBytes: number; toastBytes: number; indexBytes: number };
  /** The lab process (server and runs) and the rest of the machine (PostgreSQL mostly), in cores. */
  cpu: { lab: number; rest: number };
}

/**
 * `runs` runs at once, each on its own simulated spectrometer acquiring 1024-point spectra
 * (`acquisitionS` each) in a loop until `seconds` have passed. Every frame the drivers produced must
 * be in run_data; the overhead is measured in the driver (see run-acquisition-probe.ts).
 */
export async function measureSpectra(
  lab: RunBenchLab,
  options: { runs: number; seconds: number; acquisitionS: number },
): Promise<SpectraLoad> {
  const workflow = await lab.approvedWorkflow(spectraLoop(options.seconds));
  const devices: string[] = [];
  for (let n = 0; n < options.runs; n += 1) {
    devices.push(await lab.device('sim-raman', { acquisition_s: options.acquisitionS, seed: n + 1 }));
  }
  const probe = probeAcquisitions();
  try {
    const cpu = labCpu();
    const runIds: string[] = [];
    for (const raman of devices) {
      const run = await lab.api<{ id: string }>('POST', '/api/runs', lab.scientist, {
        workflow,
        devices: { raman },
      });
      runIds.push(run.id);
    }
    for (const runId of runIds) {
      const status = await lab.runReaches(
        runId,
        ['completed', 'failed', 'aborted'],
        options.seconds * 1000 + 60_000,
        500,
      );
      if (status !== 'completed') throw new Error(`spectra run ${runId} ended ${status}`);
    }
    const used = cpu();
    const scoped = readInLabs(lab.ctx.db, lab.labIds);
    const stored = await sql<{ frames: number }>`
      select count(*)::int as frames from run_data where run_id = any(${runIds}::uuid[])`.execute(scoped);
    const sizes = await sql<{ rows: number; total: number; heap: number; toast: number; indexes: number }>`
      select (select count(*)::int from run_data) as rows,
             pg_total_relation_size('run_data')::bigint as total,
             pg_relation_size('run_data')::bigint as heap,
             coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)::bigint as toast,
             pg_indexes_size('run_data')::bigint as indexes
      from pg_class c where c.oid = 'run_data'::regclass`.execute(scoped);
    const size = sizes.rows[0]!;
    const overhead: number[] = [];
    let produced = 0;
    let rate = 0;
    for (const raman of devices) {
      const log = probe.byDevice.get(raman) ?? [];
      produced += log.filter((acquisition) => acquisition.frame).length;
      for (let n = 1; n < log.length; n += 1) overhead.push(log[n]!.start - log[n - 1]!.end);
      const first = log[0];
      const last = log.at(-1);
      if (first && last && log.length > 1) rate += (log.length - 1) / ((last.start - first.start) / 1000);
    }
    return {
      ...options,
      produced,
      stored: stored.rows[0]?.frames ?? 0,
      ratePerRun: rate / devices.length,
      overhead: summarise(overhead, options.seconds),
      storage: {
        rows: size.rows,
        totalBytes: size.total,
        heapBytes: size.heap,
        toastBytes: size.toast,
        indexBytes: size.indexes,
      },
      cpu: used,
    };
  } finally {
    probe.restore();
  }
}
