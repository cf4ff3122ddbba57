import { Readable } from 'node:stream';
import { decodeCursor, errorResponses, type RouteScope, toPage } from '@ours/platform/http';
import { Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/index.ts';
import { linkLegacySampleAssignments } from './legacy-sample-links.service.ts';
import { dataCsv } from './run-data.ts';
import { runEventRoutes } from './run-events.routes.ts';
import { createRunSupervisor, type RunSupervisor } from './run-supervisor.ts';
import {
  Abort,
  AssignSampleToRun,
  Control,
  DataQuery,
  NewRun,
  Run,
  RunDataFile,
  RunPage,
  RunParams,
  RunQuery,
  SampleKey,
  SampleRuns,
  StepApproval,
  StepParams,
} from './runs.schema.ts';
import { createRun, findRuns, getRun, runData, sampleRuns } from './runs.service.ts';
import { assignSampleToRun } from './sample-assignment.service.ts';

const base = { tags: ['runs'], security: [{ bearerAuth: [] }] };
const writeErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 429);

/** `/api/runs`: approved workflows run on bound instruments; returns the supervisor (tests wait on it). */
export async function runRoutes(app: RouteScope, ctx: LabContext): Promise<RunSupervisor> {
  const supervisor = createRunSupervisor(ctx, app.log);
  app.addHook('onClose', () => supervisor.stop());
  runEventRoutes(app, ctx);
  // Runs a crashed or killed server left behind are interrupted, their instruments made safe.
  app.addHook('onReady', async () => {
    await supervisor.recoverOrphans();
    const linked = await linkLegacySampleAssignments(ctx);
    if (linked > 0)
      app.log.info({ linked }, 'linked samples to the runs their old workflow_execution_id named');
  });

  app.post(
    '/api/runs',
    {
      config: { access: 'runs:create' },
      schema: {
        operationId: 'createRun',
        ...base,
        summary: 'Run an approved workflow version on bound devices (starts at once)',
        description:
          'Parameters are checked against the definition; each role is bound to a usable device of its kind (409 device_not_calibrated, device_out_of_service, device_busy, wrong_device_kind); a configuration snapshot is stored with its hash.',
        body: NewRun,
        response: { 201: Run, ...writeErrors },
      },
    },
    async (request, reply) => {
      const run = await createRun(ctx, request.principal, request.body, actorOf(request));
      supervisor.start(run.id, request.principal.lab_ids);
      return reply.code(201).send(await getRun(ctx, request.principal, run.id));
    },
  );

  app.get(
    '/api/runs',
    {
      config: { access: 'runs:read' },
      schema: {
        operationId: 'listRuns',
        ...base,
        summary: 'Runs of my labs, newest first',
        querystring: RunQuery,
        response: { 200: RunPage, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { limit = 20, cursor, ...filter } = request.query;
      const rows = await findRuns(
        ctx,
        request.principal,
        filter,
        cursor ? decodeCursor(cursor) : undefined,
        limit + 1,
      );
      return toPage(rows, limit, (row) => row.created_at);
    },
  );

  app.get(
    '/api/runs/:id',
    {
      config: { access: 'runs:read' },
      schema: {
        operationId: 'getRun',
        ...base,
        summary: 'A run: state, snapshot hash, devices, samples and finished steps',
        params: RunParams,
        response: { 200: Run, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => getRun(ctx, request.principal, request.params.id),
  );

  const control = (name: 'pause' | 'resume' | 'abort', summary: string, operationId: string) =>
    app.post(
      `/api/runs/:id/${name}`,
      {
        config: { access: 'runs:update' },
        schema: {
          operationId,
          ...base,
          summary,
          params: RunParams,
          body: name === 'abort' ? Abort : Control,
          response: { 200: Run, ...writeErrors },
        },
      },
      async (request) => {
        const { principal } = request;
        const reason = request.body.reason ?? null;
        const actor = actorOf(request);
        if (name === 'pause') await supervisor.pause(principal, request.params.id, reason, actor);
        else if (name === 'resume') await supervisor.resume(principal, request.params.id, reason, actor);
        else await supervisor.abort(principal, request.params.id, reason ?? '', actor);
        return getRun(ctx, principal, request.params.id);
      },
    );
  control('pause', 'Pause a running run before its next step', 'pauseRun');
  control('resume', 'Resume a paused run', 'resumeRun');
  control(
    'abort',
    'Abort a run (with a reason): its on_abort steps run and every instrument goes safe',
    'abortRun',
  );

  app.post(
    '/api/runs/:id/approvals/:stepId',
    {
      config: { access: 'runs:update' },
      schema: {
        operationId: 'approveRunStep',
        ...base,
        summary:
          "Sign the approval step a run waits on (the step's role; re-authentication); the run goes on",
        params: StepParams,
        body: StepApproval,
        response: { 200: Run, ...writeErrors, ...errorResponses(423) },
      },
    },
    async (request) => {
      const { id, stepId } = request.params;
      await supervisor.approve(request.principal, id, stepId, request.body, actorOf(request));
      return getRun(ctx, request.principal, id);
    },
  );

  app.get(
    '/api/safety/interlocks',
    {
      config: { access: 'runs:read' },
      schema: {
        operationId: 'listInterlocks',
        ...base,
        tags: ['safety'],
        summary: 'Interlock lines of the instruments of running workflows, as last polled',
        response: { 200: Type.Array(InterlockStateSchema), ...errorResponses(401, 403, 429) },
      },
    },
    async (request) => supervisor.interlockStates(request.principal.lab_ids),
  );

  app.get(
    '/api/runs/:id/data',
    {
      config: { access: 'runs:read' },
      schema: {
        operationId: 'getRunData',
        ...base,
        summary:
          "A run's instrument data (spectra, readings), filtered by step and time, downsampled on request, as JSON or CSV",
        params: RunParams,
        querystring: DataQuery,
        response: { 200: RunDataFile, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const page = await runData(ctx, request.principal, request.params.id, query);
      if (format !== 'csv') return reply.type('application/json; charset=utf-8').send(page);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="run-${page.run_id}-data.csv"`)
        .send(Readable.from([dataCsv(page.frames)]));
    },
  );

  app.get(
    '/api/samples/:id/runs',
    {
      config: { access: 'runs:read' },
      schema: {
        operationId: 'listSampleRuns',
        ...base,
        tags: ['samples', 'runs'],
        summary: 'Traceability: every run a sample went through, with workflow, version and snapshot hashes',
        params: SampleKey,
        response: { 200: SampleRuns, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => sampleRuns(ctx, request.principal, request.params.id),
  );

  app.post(
    '/api/samples/:id/assign-workflow',
    {
      config: { access: 'samples:update' },
      schema: {
        operationId: 'assignSampleWorkflow',
        ...base,
        tags: ['samples', 'runs'],
        summary: "Link a sample to a run that has not ended (audited on both); answers the sample's runs",
        params: SampleKey,
        body: AssignSampleToRun,
        response: { 200: SampleRuns, ...writeErrors },
      },
    },
    async (request) =>
      assignSampleToRun(ctx, request.principal, request.params.id, request.body, actorOf(request)),
  );
  return supervisor;
}

const InterlockStateSchema = Type.Object({
  run_id: Type.String(),
  role: Type.String(),
  device_id: Type.String(),
  hub_id: Type.Union([Type.String(), Type.Null()]),
  lines: Type.Record(Type.String(), Type.Boolean(), { description: 'line name → safe' }),
  read_at: Type.Union([Type.String(), Type.Null()]),
  tripped: Type.Union([Type.String(), Type.Null()], { description: 'what tripped, or null' }),
});
