import { asRole, queryAs } from '@ours/platform/db';
import { addDays, type LocalDate, localDateOf, startOfLocalDate } from '@ours/platform/time';
import type { AppContext } from '../../context.ts';
import { type AlertLog, raiseAlertSafely, statusReviewAlert } from '../alerts/index.ts';
import { failRun, finishRun, type JobRun, type RunTrigger, startRun } from '../jobs/index.ts';
import { errorMessage } from '../shared/error-message.ts';
import { serviceRole } from '../shared/service-role.ts';
import { nudgeMessage } from './nudge-messages.ts';
import {
  findCrisisUsers,
  findStressedUsers,
  insertNudges,
  queueForReview,
  type Window,
} from './status-check.repository.ts';

export interface StatusCheckOptions {
  /** The run's local date; the window is the three whole local days before it. */
  date?: LocalDate | undefined;
  trigger: RunTrigger;
  dryRun?: boolean | undefined;
  /** Where a failure to record the operator alert for new review entries is reported. */
  log?: AlertLog | undefined;
}

export interface StatusCheckResult {
  run: JobRun | null;
  window: { start: string; end: string; days: LocalDate[] };
  candidates: number;
  nudged: number;
  alreadyNudged: number;
  heldForReview: number;
}

export function statusWindow(date: LocalDate, timeZone: string): Window & { days: LocalDate[] } {
  const first = addDays(date, -3);
  return {
    start: startOfLocalDate(first, timeZone),
    end: startOfLocalDate(date, timeZone),
    timeZone,
    days: [first, addDays(date, -2), addDays(date, -1)],
  };
}

/**
 * The daily proactive check: finds stressed users in one query, nudges each at most once per 72
 * hours (the database enforces it), and holds back anyone with a crisis in the window for a person
 * to review. All of it in one transaction; a dry run reports what it would do and writes nothing.
 */
export async function runStatusCheck(
  ctx: AppContext,
  options: StatusCheckOptions,
): Promise<StatusCheckResult> {
  const timeZone = ctx.config.jobs.timeZone;
  const date = options.date ?? localDateOf(ctx.now(), timeZone);
  const window = statusWindow(date, timeZone);
  const summary = { start: window.start.toISOString(), end: window.end.toISOString(), days: window.days };
  const dryRun = options.dryRun ?? false;

  // A dry run reads the same picture but writes nothing, not even its run record.
  const run = dryRun
    ? null
    : await startRun(queryAs(ctx.db, serviceRole), {
        name: 'check-user-status',
        slot: date,
        trigger: options.trigger,
        dryRun,
        total: 0,
        details: { window: summary },
      });
  let newReviews: string[] = [];
  let outcome: StatusCheckResult;
  try {
    outcome = await asRole(ctx.db, serviceRole, async (tx) => {
      const stressed = await findStressedUsers(tx, window);
      const crisis = await findCrisisUsers(tx, window);
      const held = new Set(crisis);
      const nudges = stressed
        .filter((user) => !held.has(user.user_id))
        .map((user) => ({ user_id: user.user_id, message: nudgeMessage(user) }));
      const candidates = new Set([...stressed.map((user) => user.user_id), ...crisis]).size;
      const result = { window: summary, candidates, heldForReview: held.size };
      if (!run) return { ...result, run: null, nudged: nudges.length, alreadyNudged: 0 };
      const nudged = (await insertNudges(tx, nudges)).length;
      newReviews = await queueForReview(tx, crisis, run.id, window);
      const alreadyNudged = nudges.length - nudged;
      const finished = await finishRun(
        tx,
        run.id,
        { processed: candidates, succeeded: nudged, failed: 0, skipped: alreadyNudged + held.size },
        { nudged, already_nudged: alreadyNudged, held_for_review: held.size },
      );
      return { ...result, run: finished, nudged, alreadyNudged };
    });
  } catch (error) {
    if (run) await failRun(queryAs(ctx.db, serviceRole), run.id, errorMessage(error));
    throw error;
  }
  // After the commit: new review entries tell an operator (entries already queued do not again).
  if (run && newReviews.length > 0) {
    const alert = statusReviewAlert(run.id, newReviews, window, ctx.now());
    await raiseAlertSafely(ctx, alert, options.log ?? console);
  }
  return outcome;
}
