import { queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { LabContext } from '../../context.ts';
import { auditHead } from './audit.repository.ts';
import { latestCheckpoint, writeCheckpoint } from './checkpoint.repository.ts';
import type { SignedCheckpoint } from './checkpoint-signer.ts';

/**
 * Signs a checkpoint when one is due: none yet, N entries since the last, or the daily interval
 * passed. Instances racing here take turns on a transaction advisory lock, so only one signs.
 */
export async function checkpointIfDue(ctx: LabContext): Promise<SignedCheckpoint | undefined> {
  return ctx.db.transaction(async (tx) => {
    const [lock] = await queryRows<{ locked: boolean }>(
      tx,
      sql`select pg_try_advisory_xact_lock(hashtext('lab:audit-checkpoint')) as locked`,
    );
    if (!lock?.locked) return undefined;
    const now = ctx.now();
    const [latest, head] = [await latestCheckpoint(tx), await auditHead(tx)];
    const { checkpointEvery, checkpointHours } = ctx.config.audit;
    const due =
      !latest ||
      head.seq - latest.seq >= checkpointEvery ||
      now.getTime() - new Date(latest.signed_at).getTime() >= checkpointHours * 3_600_000;
    return due ? writeCheckpoint(tx, ctx.keys.signingKeyPem, now) : undefined;
  });
}

/** Polls for due checkpoints in the background; a failed attempt is logged and retried next poll. */
export function startCheckpointJob(ctx: LabContext, log: FastifyBaseLogger): { stop(): Promise<unknown> } {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = checkpointIfDue(ctx)
      .then((checkpoint) => {
        if (checkpoint)
          log.info({ seq: checkpoint.seq, key_id: checkpoint.key_id }, 'audit checkpoint signed');
      })
      .catch((error: unknown) => log.error({ err: error }, 'audit checkpoint failed'));
  };
  tick();
  const timer = setInterval(tick, ctx.config.audit.checkpointPollSeconds * 1000);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return running;
    },
  };
}
