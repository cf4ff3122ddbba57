import { AppError, ForbiddenError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { defaultLabId } from '../sites/index.ts';
import type { DemoSummary } from './demo-summary.ts';
import { type DemoSeeder, seedDemo } from './seed-demo.ts';

/**
 * What a request for demo data did: added it now (with the counts, and the demo workflow with its
 * approver's one-time password when that was added), or found it already there.
 */
export interface DemoDataOutcome extends DemoSummary {
  added: boolean;
}

type StepListener = (step: string, index: number, total: number) => void;

const alreadyThere: DemoDataOutcome = { added: false, counts: {} };
const running = new WeakMap<LabContext, Promise<DemoDataOutcome>>();

/**
 * Adds the demo data unless it is there already: asking twice adds nothing. Requests that arrive
 * while a seeding runs in this process wait for it instead of racing it.
 */
export function ensureDemoData(
  ctx: LabContext,
  options: { by?: DemoSeeder; onStep?: StepListener } = {},
): Promise<DemoDataOutcome> {
  const current = running.get(ctx);
  if (current) {
    return current.then(
      () => alreadyThere,
      () => ensureDemoData(ctx, options),
    );
  }
  const attempt = seedDemo(ctx, options)
    .then(
      (summary) => ({ added: true, ...summary }),
      (error: unknown) => {
        if (error instanceof AppError && error.code === 'demo_data_exists') return alreadyThere;
        throw error;
      },
    )
    .finally(() => running.delete(ctx));
  running.set(ctx, attempt);
  return attempt;
}

/** Demo data requested through the API: the records are the caller's, audited under their name. */
export function demoDataFor(ctx: LabContext, caller: Principal, actor: AuditActor): Promise<DemoDataOutcome> {
  if (!caller.lab_ids.includes(defaultLabId)) {
    throw new ForbiddenError(
      'main_lab_required',
      'Demo data goes into the main lab, which you are not a member of',
    );
  }
  return ensureDemoData(ctx, { by: { operator: { ...caller, lab_ids: [defaultLabId] }, actor } });
}
