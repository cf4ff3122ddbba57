import { ConflictError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import { labTimeZone } from '../shared/lab-calendar.ts';
import { type JobName, latestRuns, recentRuns } from './job-runs.repository.ts';
import { labJobNames, labJobSchedules } from './lab-jobs.ts';

// What the lab schedules, for operator checks (doctor compares pg-boss's schedule table with it).
export { labJobSchedules } from './lab-jobs.ts';

/** Schedules with their next slots, the latest run of each job and the recent runs. */
export async function jobsOverview(ctx: LabContext) {
  const schedules = ctx.jobs?.schedules ?? labJobSchedules;
  return {
    time_zone: labTimeZone,
    workers: ctx.config.jobs.enabled,
    schedules: labJobNames.map((name) => ({
      name,
      cron: schedules[name],
      next:
        ctx.jobs?.boss
          .previewSchedule(schedules[name], { tz: labTimeZone, from: ctx.now(), count: 3 })
          .map((date) => date.toISOString()) ?? [],
    })),
    latest: await latestRuns(ctx.db.kysely),
    recent: await recentRuns(ctx.db.kysely, 50),
  };
}

/** Queues a run now, for whichever instance works jobs. */
export async function queueJobRun(
  ctx: LabContext,
  name: JobName,
): Promise<{ queued: boolean; job_id: string | null }> {
  if (!ctx.jobs) throw new ConflictError('jobs_not_started', 'The job queue is not running in this process');
  const id = await ctx.jobs.send(name, 'manual');
  return { queued: id !== null, job_id: id };
}
