import { asRole, queryAs } from '@ours/platform/db';
import { addDays, type LocalDate } from '@ours/platform/time';
import type { AppContext } from '../../context.ts';
import { type AlertLog, raiseAlertSafely, statusReviewAlert } from '../alerts/index.ts';
import {
  claimZones,
  failRun,
  finishRun,
  groupZones,
  type JobRun,
  pushAfter,
  quietHoursOf,
  type RunTrigger,
  startOfDay,
  startRun,
  type ZoneGroup,
  zoneClock,
  zonesInUse,
} from '../jobs/index.ts';
import { errorMessage } from '../shared/error-message.ts';
import { serviceRole } from '../shared/service-role.ts';
import { nudgeMessage } from './nudge-messages.ts';
import {
  type DueZone,
  findStatusCandidates,
  insertNudges,
  markChecked,
  queueForReview,
  type StatusCandidate,
} from './status-check.repository.ts';

export interface StatusCheckOptions {
  /** The local date to check in every user's own zone (default: each zone's today). */
  date?: LocalDate | undefined;
  trigger: RunTrigger;
  dryRun?: boolean | undefined;
  /** Where unknown stored zones and a failure to record an operator alert are reported. */
  log?: AlertLog | undefined;
}

/** One zone's part of a run: its users' local date and window, and what came of it. */
export interface ZoneSummary {
  time_zone: string;
  date: LocalDate;
  window: { start: string; end: string; days: LocalDate[] };
  candidates: number;
  nudged: number;
  held_for_review: number;
}

export interface StatusCheckResult {
  run: JobRun | null;
  candidates: number;
  nudged: number;
  /** Refused by the one-nudge-per-72-hours rule. */
  alreadyNudged: number;
  /** Checked already for that local date (a re-run, another instance, or a time zone change). */
  alreadyChecked: number;
  heldForReview: number;
  zones: ZoneSummary[];
}

/** A zone group due for a check on its local `date`. */
export interface DueGroup {
  group: ZoneGroup;
  date: LocalDate;
}

/** The three whole local days before `date` in the zone, as instants (DST-correct). */
export function statusWindow(date: LocalDate, timeZone: string) {
  const days = [addDays(date, -3), addDays(date, -2), addDays(date, -1)];
  const bounds = [...days, date].map((day) => startOfDay(day, timeZone).toISOString());
  return { start: new Date(bounds[0] ?? ''), end: new Date(bounds[3] ?? ''), timeZone, days, bounds };
}

/** The due groups as rows for the candidates query: one per stored zone value, with its window. */
export function dueZoneRows(due: DueGroup[]): DueZone[] {
  return due.flatMap(({ group, date }) => {
    const [d1 = '', d2 = '', d3 = '', d4 = ''] = statusWindow(date, group.zone).bounds;
    return group.raws.map((raw) => ({ raw, zone: group.zone, local_date: date, d1, d2, d3, d4 }));
  });
}

/**
 * The proactive check run by hand (CLI, `POST /admin/jobs/check-user-status/run`): every user,
 * whatever the hour, in their own zone for `date` (or their own today).
 */
export async function runStatusCheck(
  ctx: AppContext,
  options: StatusCheckOptions,
): Promise<StatusCheckResult> {
  const log = options.log ?? console;
  const raws = await asRole(ctx.db, serviceRole, zonesInUse);
  const now = ctx.now();
  const due = groupZones(raws, ctx.config.jobs.timeZone, log).map((group) => ({
    group,
    date: options.date ?? zoneClock(now, group.zone).date,
  }));
  const slot = options.date ?? zoneClock(now, ctx.config.jobs.timeZone).date;
  return checkZones(ctx, { due, slot, trigger: options.trigger, dryRun: options.dryRun ?? false, log });
}

export interface CheckZonesOptions {
  due: DueGroup[];
  /** The run's name for its slot: a local date (manual) or the tick's minute (schedule). */
  slot: string;
  trigger: RunTrigger;
  dryRun: boolean;
  /** Claim each zone's mark first and check only the zones this run won (the scheduled tick). */
  claim?: boolean;
  log: AlertLog;
}

/**
 * Checks the given zones in one transaction: finds stressed users in one query, marks each user
 * checked for their local date, nudges each at most once per 72 hours (the database enforces it),
 * and holds back anyone with a crisis in the window for a person to review. A dry run reports what
 * it would do and writes nothing, not even its run record.
 */
export async function checkZones(ctx: AppContext, options: CheckZonesOptions): Promise<StatusCheckResult> {
  const now = ctx.now();
  let newReviews: string[] = [];
  let reviewed: StatusCandidate[] = [];
  let outcome: StatusCheckResult;
  try {
    outcome = await asRole(ctx.db, serviceRole, async (tx) => {
      let due = options.due;
      if (options.claim && !options.dryRun) {
        const claims = due.map(({ group, date }) => ({ zone: group.zone, value: date }));
        const won = new Set(await claimZones(tx, 'status_checked_on', claims));
        due = due.filter(({ group }) => won.has(group.zone));
        if (due.length === 0) return emptyResult();
      }
      const found = await findStatusCandidates(tx, dueZoneRows(due));
      const open = found.filter((user) => !user.already_checked);
      const alreadyChecked = found.length - open.length;
      if (options.dryRun) {
        const held = open.filter((user) => user.crisis);
        const nudges = open.filter(nudgeable);
        const zones = summarise(due, open, new Set(nudges.map((user) => user.user_id)));
        return { ...counts(open, nudges.length, held.length, 0, alreadyChecked), run: null, zones };
      }
      const run = await startRun(tx, {
        name: 'check-user-status',
        slot: options.slot,
        trigger: options.trigger,
        dryRun: false,
        total: 0,
      });
      const marked = await markChecked(tx, open);
      const fresh = open.filter((user) => marked.has(user.user_id));
      const raced = open.length - fresh.length;
      const held = fresh.filter((user) => user.crisis);
      const nudges = fresh.filter(nudgeable).map((user) => ({
        user_id: user.user_id,
        message: nudgeMessage(user),
        push_after: pushAfter(
          now,
          user.zone,
          quietHoursOf(user.quiet_hours_start, user.quiet_hours_end, ctx.config.schedule.quietHours),
        ).toISOString(),
      }));
      const nudged = await insertNudges(tx, nudges);
      newReviews = await queueForReview(tx, held, run.id);
      reviewed = held;
      const zones = summarise(due, fresh, new Set(nudged));
      const alreadyNudged = nudges.length - nudged.length;
      const finished = await finishRun(
        tx,
        run.id,
        {
          processed: fresh.length,
          succeeded: nudged.length,
          failed: 0,
          skipped: alreadyNudged + held.length,
        },
        {
          zones_checked: due.length,
          nudged: nudged.length,
          already_nudged: alreadyNudged,
          already_checked: alreadyChecked + raced,
          held_for_review: held.length,
          // Only zones where something happened: a run over every zone would list hundreds.
          zones: zones.filter((zone) => zone.candidates > 0),
        },
      );
      return {
        ...counts(fresh, nudged.length, held.length, alreadyNudged, alreadyChecked + raced),
        run: finished,
        zones,
      };
    });
  } catch (error) {
    if (!options.dryRun) await recordFailure(ctx, options, error);
    throw error;
  }
  // After the commit: new review entries tell an operator, and push learns there is work.
  if (outcome.run && newReviews.length > 0) {
    const window = {
      start: new Date(reviewed.map((user) => user.window_start).sort()[0] ?? now),
      end: new Date(
        reviewed
          .map((user) => user.window_end)
          .sort()
          .at(-1) ?? now,
      ),
    };
    await raiseAlertSafely(ctx, statusReviewAlert(outcome.run.id, newReviews, window, now), options.log);
  }
  if (outcome.nudged > 0) ctx.push?.wake();
  return outcome;
}

/** A candidate to nudge: stressed on two or more of the three days, and no crisis (held for review). */
function nudgeable(user: StatusCandidate): boolean {
  return !user.crisis && user.days >= 2;
}

function counts(
  users: StatusCandidate[],
  nudged: number,
  held: number,
  alreadyNudged: number,
  checked: number,
) {
  return { candidates: users.length, nudged, alreadyNudged, alreadyChecked: checked, heldForReview: held };
}

function emptyResult(): StatusCheckResult {
  return { run: null, zones: [], ...counts([], 0, 0, 0, 0) };
}

function summarise(due: DueGroup[], users: StatusCandidate[], nudged: Set<string>): ZoneSummary[] {
  const byZone = Map.groupBy(users, (user) => user.zone);
  return due.map(({ group, date }) => {
    const mine = byZone.get(group.zone) ?? [];
    const window = statusWindow(date, group.zone);
    return {
      time_zone: group.zone,
      date,
      window: { start: window.start.toISOString(), end: window.end.toISOString(), days: window.days },
      candidates: mine.length,
      nudged: mine.filter((user) => nudged.has(user.user_id)).length,
      held_for_review: mine.filter((user) => user.crisis).length,
    };
  });
}

/** The transaction rolled back (zone claims too, so the next tick retries): the failure is kept. */
async function recordFailure(ctx: AppContext, options: CheckZonesOptions, error: unknown): Promise<void> {
  try {
    const service = queryAs(ctx.db, serviceRole);
    const run = await startRun(service, {
      name: 'check-user-status',
      slot: options.slot,
      trigger: options.trigger,
      dryRun: false,
      total: 0,
    });
    await failRun(service, run.id, errorMessage(error));
  } catch (recordError) {
    // The database is likely down: the job's own failure (and its alert) still reports the cause.
    options.log.warn({ err: recordError }, 'could not record the failed status check');
  }
}
