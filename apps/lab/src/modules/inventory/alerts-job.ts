import type { FastifyBaseLogger } from 'fastify';
import type { LabContext } from '../../context.ts';
import { recordInventoryAlerts } from './alerts.service.ts';
import { nextWallClockHour } from './lab-calendar.ts';

/**
 * Runs `recordInventoryAlerts` once at start (a service started after 06:00, or down at 06:00, must
 * not wait a day for today's alerts) and then every day at 06:00 Europe/London (DST-correct: the
 * next run is recomputed from the wall clock each time). A failed run is logged; the next run
 * catches up, since the job records conditions, not events.
 */
export function startInventoryAlertJob(
  ctx: LabContext,
  log: FastifyBaseLogger,
): { stop(): Promise<unknown> } {
  let running: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const run = () => {
    running = recordInventoryAlerts(ctx)
      .then((summary) => log.info(summary, 'inventory alerts recorded'))
      .catch((error: unknown) => log.error({ err: error }, 'inventory alert job failed'))
      .finally(schedule);
  };
  const schedule = () => {
    if (stopped) return;
    const now = ctx.now();
    const delay = Math.max(1000, nextWallClockHour(now, 6).getTime() - now.getTime());
    timer = setTimeout(run, delay);
    timer.unref();
  };
  run();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      return running;
    },
  };
}
