import { errorResponses, type RouteScope } from '@ours/platform/http';
import { Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { AuditEntrySchema, actorOf } from '../audit/index.ts';
import { organiserRoutes } from './organisers.routes.ts';
import { createSample, createSamples } from './sample-create.service.ts';
import { sampleFileRoutes } from './sample-files.routes.ts';
import { splitSample } from './sample-split.service.ts';
import { sampleHistory, samplePage, sampleWithLineage } from './sample-views.service.ts';
import {
  BulkBody,
  LineageQuery,
  NewSample,
  ReasonBody,
  Sample,
  SamplePage,
  SampleParams,
  SampleQuery,
  SampleUpdate,
  SampleWithLineage,
  SplitBody,
  SplitReply,
} from './samples.schema.ts';
import { changeSample, deleteSample } from './samples.service.ts';

const base = { tags: ['samples'], security: [{ bearerAuth: [] }] };

/** `/api/samples`: the seed's endpoints, lab-scoped, audited. */
export async function sampleRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  await organiserRoutes(app, ctx);
  await sampleFileRoutes(app, ctx);

  app.post(
    '/api/samples',
    {
      config: { access: 'samples:create' },
      schema: {
        operationId: 'createSample',
        ...base,
        summary: 'Register a sample',
        body: NewSample,
        response: { 201: Sample, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createSample(ctx, request.principal, request.body, actorOf(request))),
  );

  app.post(
    '/api/samples/bulk',
    {
      config: { access: 'samples:create' },
      schema: {
        operationId: 'createSamples',
        ...base,
        summary: 'Register 1-100 samples, all or nothing',
        body: BulkBody,
        response: { 201: Type.Array(Sample), ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createSamples(ctx, request.principal, request.body, actorOf(request))),
  );

  app.get(
    '/api/samples',
    {
      config: { access: 'samples:read' },
      schema: {
        operationId: 'listSamples',
        ...base,
        summary: 'Samples of my labs, newest first, filtered, keyset pages',
        querystring: SampleQuery,
        response: { 200: SamplePage, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => samplePage(ctx, request.principal, request.query),
  );

  app.get(
    '/api/samples/:id',
    {
      config: { access: 'samples:read' },
      schema: {
        operationId: 'getSample',
        ...base,
        summary: 'One sample with its ancestors and descendants (to ?depth levels) and signatures',
        params: SampleParams,
        querystring: LineageQuery,
        response: { 200: SampleWithLineage, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => sampleWithLineage(ctx, request.principal, request.params.id, request.query.depth ?? 1),
  );

  app.patch(
    '/api/samples/:id',
    {
      config: { access: 'samples:update' },
      schema: {
        operationId: 'updateSample',
        ...base,
        summary: 'Change a sample (a reason is required; status moves follow the lifecycle)',
        params: SampleParams,
        body: SampleUpdate,
        response: { 200: Sample, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request) =>
      changeSample(ctx, request.principal, request.params.id, request.body, actorOf(request)),
  );

  app.delete(
    '/api/samples/:id',
    {
      config: { access: 'samples:delete' },
      schema: {
        operationId: 'deleteSample',
        ...base,
        summary: 'Soft-delete a sample (admins, with a reason); it stays in the record',
        params: SampleParams,
        body: ReasonBody,
        response: { 200: Sample, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request) =>
      deleteSample(ctx, request.principal, request.params.id, request.body.reason, actorOf(request)),
  );

  app.post(
    '/api/samples/:id/split',
    {
      config: { access: 'samples:create' },
      schema: {
        operationId: 'splitSample',
        ...base,
        summary: 'Split into aliquots (ids PARENT.1, PARENT.2, ... unless given); the parent is decremented',
        params: SampleParams,
        body: SplitBody,
        response: { 201: SplitReply, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await splitSample(ctx, request.principal, request.params.id, request.body, actorOf(request))),
  );

  app.get(
    '/api/samples/:id/history',
    {
      config: { access: 'samples:read' },
      schema: {
        operationId: 'getSampleHistory',
        ...base,
        summary: "The sample's audit entries, oldest first",
        params: SampleParams,
        response: { 200: Type.Array(AuditEntrySchema), ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => sampleHistory(ctx, request.principal, request.params.id),
  );
}
