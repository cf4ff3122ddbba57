import type { JsonObject } from '@ours/platform/db';
import type { FastifyBaseLogger } from 'fastify';
import type { LabContext } from '../../context.ts';
import { finishRun, type JobName, type RunTrigger, startRun } from './job-runs.repository.ts';

/**
 * Runs one job's work with a run record around it: 'running' first, then 'success' with what it did,
 * or 'failed' with the error (logged, then rethrown so pg-boss retries as the queue says).
 */
export async function recordedRun(
  ctx: LabContext,
  log: FastifyBaseLogger,
  name: JobName,
  trigger: RunTrigger,
  work: () => Promise<JsonObject>,
): Promise<JsonObject> {
  const run = await startRun(ctx.db.kysely, name, trigger);
  try {
    const details = await work();
    await finishRun(ctx.db.kysely, run.id, { status: 'success', details });
    return details;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error({ err: error, job: name, run: run.id }, 'job run failed');
    await finishRun(ctx.db.kysely, run.id, { status: 'failed', details: {}, error: message });
    throw error;
  }
}
