import type { FastifyBaseLogger } from 'fastify';
import type { LabContext } from '../../context.ts';
import { allLabIds, inLabs } from '../sites/index.ts';
import type { ActiveRuns } from './active-runs.ts';
import { sessionsOf } from './run-sessions.ts';
import { systemActor as system, transitionRun } from './run-transitions.ts';
import { beatRuns, orphanedRuns } from './runs.repository.ts';

export interface RunLiveness {
  /**
   * Marks interrupted the runs whose server stopped beating (crashed, killed) `staleS` ago, and
   * drives their instruments safe; answers how many.
   */
  recoverOrphans(staleS?: number): Promise<number>;
  stop(): void;
}

/**
 * Proves this server's runs alive, and takes over the record of runs whose server died.
 */
export function startRunLiveness(ctx: LabContext, log: FastifyBaseLogger, active: ActiveRuns): RunLiveness {
  // This server's runs beat every third of LAB_RUN_ORPHAN_AFTER_S (5 s of 15 s); any instance takes a
  // run whose beat stopped for the whole of it (three missed beats) as orphaned, sweeping every twice it.
  const orphanAfterS = ctx.config.runs.orphanAfterS;
  const heartbeat = setInterval(
    () => {
      const labIds = [...new Set([...active.values()].flatMap((entry) => entry.labIds))];
      if (active.size === 0) return;
      void inLabs(ctx.db, labIds, (tx) => beatRuns(tx, [...active.keys()])).catch((error: unknown) =>
        log.warn({ err: error }, 'run heartbeat failed'),
      );
    },
    (orphanAfterS * 1000) / 3,
  );
  heartbeat.unref();
  const orphanSweep = setInterval(() => {
    void recoverOrphans().catch((error: unknown) => log.warn({ err: error }, 'orphaned run sweep failed'));
  }, orphanAfterS * 2000);
  orphanSweep.unref();

  async function recoverOrphans(staleS = orphanAfterS): Promise<number> {
    const labIds = await allLabIds(ctx.db.kysely);
    const orphans = await inLabs(ctx.db, labIds, async (tx) => {
      const found = await orphanedRuns(tx, staleS, [...active.keys()]);
      const recovered = [];
      for (const run of found) {
        await transitionRun(ctx, tx, run.id, [run.status], 'interrupted', system, { waiting_step: null });
        recovered.push({ run, instruments: (await sessionsOf(tx, run.id, run.config_snapshot_id)).sessions });
      }
      return recovered;
    });
    for (const { run, instruments } of orphans) {
      await Promise.allSettled(Object.values(instruments).map((session) => session.safeState()));
      log.warn(
        { run_id: run.id },
        'run interrupted: the server executing it stopped; its instruments are safe',
      );
    }
    return orphans.length;
  }

  return {
    recoverOrphans,
    stop() {
      clearInterval(heartbeat);
      clearInterval(orphanSweep);
    },
  };
}
