import { describe, expect, it } from 'vitest';
import { appendRunEvents } from '../src/modules/runs/run-events.repository.ts';
import { runById } from '../src/modules/runs/runs.repository.ts';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { useRunLab, withoutApproval } from './support/run-fixtures.ts';

const { lab, startedRun, api, accounts } = useRunLab();

describe('run controls and step checkpoints', () => {
  // PGlite runs one transaction at a time: lock order only matters on the real server.
  it.skipIf(process.env.TEST_DB !== 'postgres')(
    'a control holding its run never blocks a checkpoint appending events (the two used to deadlock)',
    async () => {
      const { id } = await startedRun(withoutApproval);
      const appended = await inLabs(lab.db, [defaultLabId], async (tx) => {
        // What pause, resume and abort do first: lock the run row.
        await runById(tx, id, { lock: true });
        // Meanwhile, on another connection, a checkpoint numbers its events under the run's event head
        // and its rows' foreign keys take a key-share lock on the run row at the end of the statement.
        const checkpoint = inLabs(lab.db, [defaultLabId], (other) =>
          appendRunEvents(other, id, defaultLabId, [{ type: 'step_started', payload: { step_id: 'probe' } }]),
        ).then(() => 'appended' as const);
        const timeout = new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 5_000));
        return Promise.race([checkpoint, timeout]);
      });
      expect(appended).toBe('appended');
      const aborted = await api('POST', `/api/runs/${id}/abort`, accounts.scientist, {
        reason: 'done probing',
      });
      expect(aborted.statusCode).toBe(200);
    },
  );
});
