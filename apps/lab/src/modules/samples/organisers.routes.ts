import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type TSchema, Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import type { RouteAccess } from '../access/permissions.ts';
import { actorOf } from '../audit/audit-actor.ts';
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
const creating = <B extends TSchema, I extends TSchema>(one: string, body: B, item: I) => ({
  config: writing,
  schema: { ...base, summary: `Create a ${one}`, body, response: { 201: item } },
});
const listing = <I extends TSchema>(kind: string, item: I) => ({
  config: reading,
  schema: {
    ...base,
    summary: `The ${kind} of my labs`,
    querystring: OffsetQuery,
    response: { 200: Type.Array(item) },
  },
});
const getting = <I extends TSchema>(one: string, item: I) => ({
  config: reading,
  schema: { ...base, summary: `One ${one}`, params: IdParams, response: { 200: item } },
});
const page = (query: { limit?: number | undefined; offset?: number | undefined }) => ({
  limit: query.limit ?? 100,
  offset: query.offset ?? 0,
});

/** `/api/samples/projects`, `/batches`, `/containers`: create, list and get, in the caller's labs. */
export async function organiserRoutes(scope: FastifyInstance, ctx: LabContext): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/api/samples/projects', creating('project', NewProject, Project), async (request, reply) =>
    reply.code(201).send(await projects.create(ctx, request.principal, request.body, actorOf(request))),
  );
  app.get('/api/samples/projects', listing('projects', Project), async (request) =>
    projects.page(ctx, request.principal, page(request.query)),
  );
  app.get('/api/samples/projects/:id', getting('project', Project), async (request) =>
    projects.get(ctx, request.principal, request.params.id),
  );

  app.post('/api/samples/batches', creating('batch', NewBatch, Batch), async (request, reply) =>
    reply.code(201).send(await batches.create(ctx, request.principal, request.body, actorOf(request))),
  );
  app.get('/api/samples/batches', listing('batches', Batch), async (request) =>
    batches.page(ctx, request.principal, page(request.query)),
  );
  app.get('/api/samples/batches/:id', getting('batch', Batch), async (request) =>
    batches.get(ctx, request.principal, request.params.id),
  );

  app.post(
    '/api/samples/containers',
    creating('container', NewContainer, Container),
    async (request, reply) =>
      reply.code(201).send(await containers.create(ctx, request.principal, request.body, actorOf(request))),
  );
  app.get('/api/samples/containers', listing('containers', Container), async (request) =>
    containers.page(ctx, request.principal, page(request.query)),
  );
  app.get('/api/samples/containers/:id', getting('container', Container), async (request) =>
    containers.get(ctx, request.principal, request.params.id),
  );
}
