import { errorResponses, type RouteScope } from '@ours/platform/http';
import { type TSchema, Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import type { RouteAccess } from '../access/index.ts';
import { actorOf } from '../audit/index.ts';
import {
  Batch,
  Container,
  NewBatch,
  NewContainer,
  NewProject,
  OffsetQuery,
  Project,
} from './organisers.schema.ts';
import { batches, containers, projects } from './organisers.service.ts';

const base = { tags: ['samples'], security: [{ bearerAuth: [] }] };
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const reading: { access: RouteAccess } = { access: 'samples:read' };
const writing: { access: RouteAccess } = { access: 'samples:create' };

// Route options per kind; generic here, concrete at each route, so the type provider types the
// handlers (request body, reply) from the kind's own schemas.
// `Name` and `Names` make the operation ids (createProject, listProjects, getProject, ...).
const creating = <B extends TSchema, I extends TSchema>(one: string, Name: string, body: B, item: I) => ({
  config: writing,
  schema: {
    operationId: `create${Name}`,
    ...base,
    summary: `Create a ${one}`,
    body,
    response: { 201: item, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
  },
});
const listing = <I extends TSchema>(kind: string, Names: string, item: I) => ({
  config: reading,
  schema: {
    operationId: `list${Names}`,
    ...base,
    summary: `The ${kind} of my labs`,
    querystring: OffsetQuery,
    response: { 200: Type.Array(item), ...errorResponses(400, 401, 403, 429) },
  },
});
const getting = <I extends TSchema>(one: string, Name: string, item: I) => ({
  config: reading,
  schema: {
    operationId: `get${Name}`,
    ...base,
    summary: `One ${one}`,
    params: IdParams,
    response: { 200: item, ...errorResponses(400, 401, 403, 404, 429) },
  },
});
const page = (query: { limit?: number | undefined; offset?: number | undefined }) => ({
  limit: query.limit ?? 100,
  offset: query.offset ?? 0,
});

/** `/api/samples/projects`, `/batches`, `/containers`: create, list and get, in the caller's labs. */
export async function organiserRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.post(
    '/api/samples/projects',
    creating('project', 'Project', NewProject, Project),
    async (request, reply) =>
      reply.code(201).send(await projects.create(ctx, request.principal, request.body, actorOf(request))),
  );
  app.get('/api/samples/projects', listing('projects', 'Projects', Project), async (request) =>
    projects.page(ctx, request.principal, page(request.query)),
  );
  app.get('/api/samples/projects/:id', getting('project', 'Project', Project), async (request) =>
    projects.get(ctx, request.principal, request.params.id),
  );

  app.post('/api/samples/batches', creating('batch', 'Batch', NewBatch, Batch), async (request, reply) =>
    reply.code(201).send(await batches.create(ctx, request.principal, request.body, actorOf(request))),
  );
  app.get('/api/samples/batches', listing('batches', 'Batches', Batch), async (request) =>
    batches.page(ctx, request.principal, page(request.query)),
  );
  app.get('/api/samples/batches/:id', getting('batch', 'Batch', Batch), async (request) =>
    batches.get(ctx, request.principal, request.params.id),
  );

  app.post(
    '/api/samples/containers',
    creating('container', 'Container', NewContainer, Container),
    async (request, reply) =>
      reply.code(201).send(await containers.create(ctx, request.principal, request.body, actorOf(request))),
  );
  app.get('/api/samples/containers', listing('containers', 'Containers', Container), async (request) =>
    containers.page(ctx, request.principal, page(request.query)),
  );
  app.get('/api/samples/containers/:id', getting('container', 'Container', Container), async (request) =>
    containers.get(ctx, request.principal, request.params.id),
  );
}
