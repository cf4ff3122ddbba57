import { AppError } from '@ours/platform/errors';
import type { FastifyBaseLogger } from 'fastify';
import type { LabContext } from '../../context.ts';
import { ensureDemoData } from './demo-data.service.ts';

/**
 * `serve --demo` / LAB_DEMO_DATA=true: adds the demo data once the server listens, unless it is there
 * already. Returns what to tell the person; it never throws, since the server keeps running anyway.
 */
export async function demoDataAtStart(
  ctx: LabContext,
  log: FastifyBaseLogger,
  say: (line: string) => void,
): Promise<void> {
  try {
    const outcome = await ensureDemoData(ctx, {
      onStep: (step, index, total) => say(`Demo data ${index}/${total}: ${step}...`),
    });
    say(
      outcome.added
        ? `Demo data added: ${JSON.stringify(outcome.counts)}`
        : 'Demo data: already there, nothing added',
    );
  } catch (error) {
    if (error instanceof AppError && error.code === 'admin_required') {
      say(
        'Demo data: not added, there is no administrator yet. Create one (see above), then call ' +
          'POST /api/admin/demo-data as that administrator, or restart with --demo.',
      );
      return;
    }
    log.error({ err: error }, 'adding demo data failed');
    say('Demo data: adding it failed (see the log); the server is running without it.');
  }
}
