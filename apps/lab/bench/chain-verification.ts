import type { LabDatabase } from '../src/db/lab-database.ts';
import { verifyChain } from '../src/modules/audit/audit-verifier.ts';
import { benchMacKey } from './audit-chain.ts';

export interface MemorySample {
  checked: number;
  heapUsedMb: number;
  rssMb: number;
}

export interface VerifyRun {
  valid: boolean;
  checked: number;
  seconds: number;
  perSecond: number;
  memory: MemorySample[];
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/**
 * Times `verifyChain` over the whole chain as the runtime role, in one read-only repeatable-read
 * transaction as the lab runs it, sampling memory as it goes: in this thread, or (`parallel`) over
 * worker threads on connections of their own.
 */
export async function timeVerification(
  db: LabDatabase,
  total: number,
  options: { parallel: boolean; workers?: number | undefined },
): Promise<VerifyRun> {
  const marks = [0.1, 0.25, 0.5, 0.75, 1].map((share) => Math.round(total * share));
  const memory: MemorySample[] = [];
  const sample = (checked: number) => {
    const usage = process.memoryUsage();
    memory.push({ checked, heapUsedMb: mb(usage.heapUsed), rssMb: mb(usage.rss) });
  };
  const started = performance.now();
  const result = await db.transaction(
    (tx) =>
      verifyChain(tx, {
        macKey: benchMacKey,
        ...(options.parallel ? { connection: db.connection, workers: options.workers } : {}),
        onProgress: (checked) => {
          while (marks.length > 0 && checked >= marks[0]!) {
            marks.shift();
            sample(checked);
          }
        },
      }),
    { isolation: 'repeatable read', readOnly: true },
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    valid: result.valid,
    checked: result.checked,
    seconds,
    perSecond: result.checked / seconds,
    memory,
  };
}
