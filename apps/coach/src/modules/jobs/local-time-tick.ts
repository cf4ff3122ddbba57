import { asRole } from '@ours/platform/db';
import type { PgBoss } from '@ours/platform/jobs';
import type { AppContext } from '../../context.ts';
import type { AlertLog } from '../alerts/index.ts';
import { type DigestDueGroup, queueDueZones } from '../digest/index.ts';
import { serviceRole } from '../shared/service-role.ts';
import { checkZones, type DueGroup, type StatusCheckResult } from '../status-check/status-check.service.ts';
import type { JobRun } from './job-runs.repository.ts';
import { localTimeSlots } from './job-schedules.ts';
import { closingWeek, zoneClock } from './zone-clock.ts';
import { groupZones, type ZoneGroup } from './zone-groups.ts';
import { readZoneMarks, type ZoneMark, zonesInUse } from './zone-marks.repository.ts';

export interface TickResult {
  /** The tick's minute (UTC), which names its status-check run. */
  tick: string;
  zonesInUse: number;
  status: StatusCheckResult | null;
  digest: { run: JobRun; zones: number } | null;
}

/** Which zones' local hour has come and whose mark is behind it. Pure: Node's clock per zone. */
export function dueZones(
  now: Date,
  groups: ZoneGroup[],
  marks: ZoneMark[],
): { status: DueGroup[]; digest: DigestDueGroup[] } {
  const markOf = new Map(marks.map((mark) => [mark.time_zone, mark]));
  const status: DueGroup[] = [];
  const digest: DigestDueGroup[] = [];
  for (const group of groups) {
    const clock = zoneClock(now, group.zone);
    const mark = markOf.get(group.zone);
    // 08:00 has come today: due until local midnight (a missed tick catches up the same day).
    if (
      clock.minutes >= localTimeSlots['check-user-status'].minutes &&
      (mark?.status_checked_on ?? '') < clock.date
    )
      status.push({ group, date: clock.date });
    const week = closingWeek(clock, localTimeSlots['weekly-digest'].minutes);
    if (week && (mark?.digest_week ?? '') < week)
      digest.push({ group, week, previousWeek: mark?.digest_week ?? null });
  }
  return { status, digest };
}

/**
 * The minute tick: reads the zones in use (an index skip scan) and their marks, and runs the
 * status check and the digest for the zones whose local time has come. A tick with nothing due
 * writes nothing. Each zone is claimed in the run's own transaction, so a second instance, a
 * retry or an overlapping tick never runs a zone's slot twice.
 */
export async function runLocalTimeTick(
  ctx: AppContext,
  boss: PgBoss | undefined,
  log: AlertLog,
): Promise<TickResult> {
  const now = ctx.now();
  const tick = `${now.toISOString().slice(0, 16)}Z`;
  const { raws, marks } = await asRole(ctx.db, serviceRole, async (tx) => ({
    raws: await zonesInUse(tx),
    marks: await readZoneMarks(tx),
  }));
  const groups = groupZones(raws, ctx.config.jobs.timeZone, log);
  const due = dueZones(now, groups, marks);
  const result: TickResult = { tick, zonesInUse: groups.length, status: null, digest: null };
  // One job's failure must not hold the other back; the first error still fails the tick.
  const errors: unknown[] = [];
  if (due.status.length > 0) {
    try {
      result.status = await checkZones(ctx, {
        due: due.status,
        slot: tick,
        trigger: 'schedule',
        dryRun: false,
        claim: true,
        log,
      });
    } catch (error) {
      errors.push(error);
    }
  }
  if (due.digest.length > 0 && boss) {
    try {
      result.digest = await queueDueZones(boss, ctx, due.digest, tick);
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
  return result;
}
