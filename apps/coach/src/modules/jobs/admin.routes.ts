import { queryAs } from '@ours/platform/db';
import { AppError, ValidationError } from '@ours/platform/errors';
import { errorResponses, type RouteScope } from '@ours/platform/http';
import { isLocalDate } from '@ours/platform/time';
import type { AppContext } from '../../context.ts';
import { currentWeek, planDigest, weekWindow } from '../digest/digest.service.ts';
import { serviceRole } from '../shared/service-role.ts';
import { serviceRoleScope } from '../shared/service-role-scope.ts';
import { runStatusCheck } from '../status-check/status-check.service.ts';
import { latestRuns, listRuns } from './job-runs.repository.ts';
import { isRunnableJob, jobSchedules, localTimeSlots } from './job-schedules.ts';
import { DryRunReply, JobsOverview, QueuedReply, RunBody, RunParams } from './jobs.schema.ts';
import type { QuietHours } from './zone-clock.ts';
import { listZoneMarks } from './zone-marks.repository.ts';

/**
 * Operations endpoints for a service-role token only: the run history, and starting a run (so an
 * external scheduler such as pg_cron or a Supabase scheduled function can trigger one).
 */
export async function adminRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  await serviceRoleScope(app, ctx, async (scope) => {
    const security = [{ bearerAuth: [] }];

    scope.get(
      '/admin/jobs',
      {
        schema: {
          tags: ['operations'],
          summary: 'Schedules and recent runs (service role)',
          operationId: 'listJobs',
          security,
          response: { 200: JobsOverview, ...errorResponses(401, 403, 429) },
        },
      },
      async () => {
        const service = queryAs(ctx.db, serviceRole);
        const preview = (cron: string, tz: string) =>
          ctx.jobs?.boss
            .previewSchedule(cron, { tz, from: ctx.now(), count: 3 })
            .map((date) => date.toISOString()) ?? [];
        const defaultZone = ctx.config.jobs.timeZone;
        return {
          time_zone: defaultZone,
          workers: ctx.config.jobs.enabled,
          quiet_hours: quietHoursText(ctx.config.schedule.quietHours),
          schedules: [
            ...Object.entries(jobSchedules).map(([name, cron]) => ({
              name,
              cron,
              time_zone: defaultZone,
              next: preview(cron, defaultZone),
            })),
            // The per-user jobs: `next` is for users in the default zone; each zone runs at its own.
            ...Object.entries(localTimeSlots).map(([name, slot]) => ({
              name,
              cron: slot.cron,
              time_zone: 'user',
              catch_up: slot.catchUp,
              next: preview(slot.cron, defaultZone),
            })),
          ],
          zones: await listZoneMarks(service),
          latest: await latestRuns(service),
          recent: await listRuns(service, 50),
        };
      },
    );

    scope.post(
      '/admin/jobs/:name/run',
      {
        schema: {
          tags: ['operations'],
          summary: 'Start a job run now (service role); with dry_run, what it would do',
          operationId: 'runJob',
          security,
          params: RunParams,
          body: RunBody,
          response: {
            200: DryRunReply,
            202: QueuedReply,
            ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503),
          },
        },
      },
      async (request, reply) => {
        const { name } = request.params;
        const body = request.body ?? {};
        if (!isRunnableJob(name)) throw new AppError(404, 'job_not_found', `No job named ${name}`);
        if (body.date !== undefined && !isLocalDate(body.date))
          throw new ValidationError('invalid_date', 'date must be a real YYYY-MM-DD date');
        if (body.week !== undefined) weekWindow(body.week, ctx.config.jobs.timeZone);
        if (body.dry_run) {
          if (name === 'weekly-digest') {
            const week = body.week ?? currentWeek(ctx.now(), ctx.config.jobs.timeZone);
            const plan = await planDigest(ctx, week, request.log);
            return {
              dry_run: true,
              name,
              week,
              pending: plan.pending.length,
              already_done: plan.alreadyDone,
              zones: plan.zones.filter((zone) => zone.users > 0),
            };
          }
          if (name === 'check-user-status') {
            const result = await runStatusCheck(ctx, {
              date: body.date,
              trigger: 'api',
              dryRun: true,
              log: request.log,
            });
            // Zones with nobody to check are left out: a deployment may have hundreds.
            const zones = result.zones.filter((zone) => zone.candidates > 0);
            return { dry_run: true, name, ...result, zones, zones_checked: result.zones.length };
          }
          throw new ValidationError('dry_run_unsupported', `${name} has no dry run`);
        }
        if (!ctx.jobs)
          throw new AppError(503, 'jobs_unavailable', 'The job queue is not running in this process');
        const jobId = await ctx.jobs.send(name, { trigger: 'api', week: body.week, date: body.date });
        return reply
          .code(202)
          .send({ queued: true, name, job_id: jobId, week: body.week ?? null, date: body.date ?? null });
      },
    );
  });
}

function quietHoursText(quiet: QuietHours | undefined): string | null {
  if (!quiet) return null;
  const text = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${text(quiet.start)}-${text(quiet.end)}`;
}
