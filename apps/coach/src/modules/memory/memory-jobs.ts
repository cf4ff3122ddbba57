import { asRole, queryAs } from '@ours/platform/db';
import { localDateOf } from '@ours/platform/time';
import type { AppContext } from '../../context.ts';
import { failRun, finishRun, type RunTrigger, startRun } from '../jobs/index.ts';
import { errorMessage } from '../shared/error-message.ts';
import { serviceRole } from '../shared/service-role.ts';
import { vectorLiteral } from './embedding-client.ts';
import {
  countEmbeddingFailure,
  deleteMemoriesOlderThan,
  pendingEmbeddings,
  rememberConversations,
  storeEmbeddings,
} from './memory.repository.ts';

const batchSize = 64;
const maxBatchesPerRun = 20;
const conversationsPerPass = 5_000;

/**
 * The memory job: remembers new conversation turns (kept off the /ask hot path), then gives
 * pending memories their vectors where vector search is on. Returns what it did.
 */
export async function syncMemories(ctx: AppContext): Promise<{ remembered: number; embedded: number }> {
  const remembered = await rememberNewConversations(ctx);
  return { remembered, embedded: await embedPendingMemories(ctx) };
}

/** Writes the memories of answered turns that have none yet. */
export async function rememberNewConversations(ctx: AppContext): Promise<number> {
  let remembered = 0;
  for (;;) {
    const added = await asRole(ctx.db, serviceRole, (tx) => rememberConversations(tx, conversationsPerPass));
    remembered += added;
    if (added < conversationsPerPass) return remembered;
  }
}

/**
 * Gives pending memories their vectors, a batch at a time. The model is called outside any
 * transaction (on PGlite an open transaction would stall every request), and the queue runs one
 * embedding job at a time. A failing batch counts an attempt against its rows (after three a row
 * stays full-text only) and the job is retried.
 */
export async function embedPendingMemories(ctx: AppContext): Promise<number> {
  const { embed, embeddingModel } = ctx.memory;
  if (!embed || !embeddingModel) return 0;
  let embedded = 0;
  for (let batch = 0; batch < maxBatchesPerRun; batch += 1) {
    const rows = await asRole(ctx.db, serviceRole, (tx) => pendingEmbeddings(tx, batchSize));
    if (rows.length === 0) break;
    let vectors: number[][];
    try {
      vectors = await embed(rows.map((row) => row.text));
    } catch (error) {
      await asRole(ctx.db, serviceRole, (tx) =>
        countEmbeddingFailure(
          tx,
          rows.map((row) => row.id),
        ),
      );
      throw error;
    }
    const stored = rows.map((row, index) => ({ id: row.id, vector: vectorLiteral(vectors[index] ?? []) }));
    await asRole(ctx.db, serviceRole, (tx) => storeEmbeddings(tx, embeddingModel, stored));
    embedded += rows.length;
    if (rows.length < batchSize) break;
  }
  return embedded;
}

/** Deletes memories older than MEMORY_RETENTION_DAYS and records the run. */
export async function pruneMemories(ctx: AppContext, trigger: RunTrigger) {
  const run = await startRun(queryAs(ctx.db, serviceRole), {
    name: 'memory-retention',
    slot: localDateOf(ctx.now(), ctx.config.jobs.timeZone),
    trigger,
    dryRun: false,
    total: 0,
    details: { retention_days: ctx.config.memory.retentionDays },
  });
  try {
    return await asRole(ctx.db, serviceRole, async (tx) => {
      const deleted = await deleteMemoriesOlderThan(tx, ctx.config.memory.retentionDays);
      return finishRun(
        tx,
        run.id,
        { processed: deleted, succeeded: deleted, failed: 0, skipped: 0 },
        { deleted },
      );
    });
  } catch (error) {
    await failRun(queryAs(ctx.db, serviceRole), run.id, errorMessage(error));
    throw error;
  }
}
