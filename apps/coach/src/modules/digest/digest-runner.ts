import { asRole, queryAs } from '@ours/platform/db';
import type { AppContext } from '../../context.ts';
import { finishRun, getRun, type JobRun, type RunTrigger, startRun } from '../jobs/index.ts';
import { serviceRole } from '../shared/service-role.ts';
import { digestUser, planDigest, recordDigestOutcome, weekWindow } from './digest.service.ts';
import { digestRunRecord } from './digest-queue.ts';

export interface DigestRunOptions {
  week: string;
  trigger: RunTrigger;
  dryRun: boolean;
  concurrency: number;
  /** Attempts per user before the failure is recorded. */
  attempts?: number;
  onProgress?: (done: number, total: number) => void;
}

export type DigestRunResult =
  | { dryRun: true; week: string; pending: number; alreadyDone: number }
  | { dryRun: false; run: JobRun };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a week's digest in this process (the command line's `jobs run`) for every zone, each user
 * over their own zone's week, with bounded concurrency and per-user retries with backoff; the
 * scheduled path fans out through the queue instead.
 */
export async function runDigestNow(ctx: AppContext, options: DigestRunOptions): Promise<DigestRunResult> {
  const plan = await planDigest(ctx, options.week);
  if (options.dryRun) {
    return { dryRun: true, week: options.week, pending: plan.pending.length, alreadyDone: plan.alreadyDone };
  }
  const total = plan.pending.length + plan.alreadyDone;
  const run = await startRun(queryAs(ctx.db, serviceRole), digestRunRecord(plan, options.trigger));
  if (total === 0) {
    const finished = await asRole(ctx.db, serviceRole, (tx) =>
      finishRun(tx, run.id, { processed: 0, succeeded: 0, failed: 0, skipped: 0 }, {}),
    );
    return { dryRun: false, run: finished };
  }
  const attempts = options.attempts ?? 3;
  let done = plan.alreadyDone;
  options.onProgress?.(done, total);
  const queue = [...plan.pending];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const window = weekWindow(options.week, next.timeZone);
      let outcome: Awaited<ReturnType<typeof digestUser>> | Error = new Error('not attempted');
      for (let attempt = 1; attempt <= attempts; attempt += 1) {
        try {
          outcome = await digestUser(ctx, next.userId, window);
          break;
        } catch (error) {
          outcome = error instanceof Error ? error : new Error(String(error));
          if (attempt < attempts) await sleep(250 * 2 ** attempt);
        }
      }
      await recordDigestOutcome(ctx, run.id, outcome);
      done += 1;
      options.onProgress?.(done, total);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, plan.pending.length) }, worker));
  return { dryRun: false, run: (await getRun(queryAs(ctx.db, serviceRole), run.id)) ?? run };
}
