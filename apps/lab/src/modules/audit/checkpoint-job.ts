import type { FastifyBaseLogger } from 'fastify';
import type { LabContext } from '../../context.ts';
import { checkpointIfDue } from './checkpoint.service.ts';

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
