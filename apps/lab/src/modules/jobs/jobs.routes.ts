import { errorResponses, type RouteScope } from '@ours/platform/http';
import { registerJobMetrics } from '@ours/platform/jobs';
import type { LabContext } from '../../context.ts';
import { latestRuns } from './job-runs.repository.ts';
import { JobsOverview, QueuedReply, RunParams } from './jobs.schema.ts';
import { jobsOverview, queueJobRun } from './jobs.service.ts';

const base = { tags: ['operations'], security: [{ bearerAuth: [] }] };

/** `/api/admin/jobs`: the schedules and runs of the lab's jobs, and a run on demand (jobs:manage). */
export async function jobRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.get(
    '/api/admin/jobs',
    {
      config: { access: 'jobs:manage' },
      schema: {
        ...base,
        operationId: 'listJobs',
        summary: 'Job schedules (Europe/London), the latest run of each job and the recent runs',
        response: { 200: JobsOverview, ...errorResponses(401, 403, 429) },
      },
    },
    async () => jobsOverview(ctx),
  );

  app.post(
    '/api/admin/jobs/:name/run',
    {
      config: { access: 'jobs:manage' },
      schema: {
        ...base,
        operationId: 'runJob',
        summary: 'Queue a run of a job now; an instance that works jobs runs it within seconds',
        params: RunParams,
        response: { 202: QueuedReply, ...errorResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => reply.code(202).send(await queueJobRun(ctx, request.params.name)),
  );
}

/** The lab's job runs in /metrics (`lab_job_last_run_*`), the same from every instance. */
export function registerLabJobMetrics(app: RouteScope, ctx: LabContext): void {
  registerJobMetrics(app.metricsRegistry, 'lab', () => latestRuns(ctx.db.kysely));
}
