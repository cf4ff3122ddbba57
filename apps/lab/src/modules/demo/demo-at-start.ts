import { AppError } from '@ours/platform/errors';
import type { FastifyBaseLogger } from 'fastify';
import type { LabContext } from '../../context.ts';
import { ensureDemoData } from './demo-data.service.ts';

/**
 * `serve --demo` / LAB_DEMO_DATA=true: adds the demo data once the server listens, unless it is there
 * already, and tells the person what it added (the demo approver's password included: the console
 * only). It never throws, since the server keeps running anyway.
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
    if (!outcome.added) {
      say('Demo data: already there, nothing added');
      return;
    }
    say(`Demo data added: ${JSON.stringify(outcome.counts)}`);
    const { workflow, approver } = outcome;
    if (workflow && approver) {
      // Printed once, never logged, like the setup token: the console is the one place it goes.
      say(
        `Demo workflow ${workflow.name} v${workflow.version} ${workflow.status} by ${approver.email} ` +
          `(${approver.role}; password, shown only now: ${approver.password}). Run it on ` +
          `${JSON.stringify(workflow.devices)} with POST /api/runs (README: "Run the demo workflow").`,
      );
    }
  } catch (error) {
    if (error instanceof AppError && error.code === 'admin_required') {
      say(
        'Demo data: not added, there is no administrator yet. Create one (see above), then call ' +
          'POST /api/admin/demo-data as that administrator, or restart with --demo.',
      );
      return;
    }
    if (error instanceof AppError && error.statusCode < 500) {
      say(`Demo data: not added. ${error.message}.`);
      return;
    }
    log.error({ err: error }, 'adding demo data failed');
    say('Demo data: adding it failed (see the log); the server is running without it.');
  }
}
