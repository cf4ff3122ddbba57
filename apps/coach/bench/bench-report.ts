import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';

/** The 1, 5 and 15 minute load averages, as every report states the load it ran under. */
export function loadAverage(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
}

/** Prints a benchmark's report, and writes it to BENCH_OUTPUT=<file> when given. */
export async function printReport(report: string): Promise<void> {
  console.log(`\n${report}\n`);
  if (process.env.BENCH_OUTPUT) await writeFile(process.env.BENCH_OUTPUT, `${report}\n`);
}
