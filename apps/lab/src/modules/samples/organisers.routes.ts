import { NotFoundError } from '@ours/platform/errors';
import { errorResponses, type RouteScope } from '@ours/platform/http';
import { type TSchema, Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/audit-actor.ts';
import { inLabs } from '../sites/lab-scope.ts';
import { listOrganisers, type OrganiserKind, organiserById } from './organisers.repository.ts';
import {
  Batch,
  Container,
  NewBatch,
  NewContainer,
  NewProject,
  OffsetQuery,
  Project,
} from './organisers.schema.ts';
import { createOrganiser } from './organisers.service.ts';

const base = { tags: ['samples'], security: [{ bearerAuth: [] }] };

// `Name` and `Names` make the operation ids (createProject, listProjects, getProject, ...).
const kinds: {
  kind: OrganiserKind;
  one: string;
  Name: string;
  Names: string;
  item: TSchema;
  body: TSchema;
}[] = [
  { kind: 'projects', one: 'project', Name: 'Project', Names: 'Projects', item: Project, body: NewProject },
  { kind: 'batches', one: 'batch', Name: 'Batch', Names: 'Batches', item: Batch, body: NewBatch },
  {
    kind: 'containers',
    one: 'container',
    Name: 'Container',
    Names: 'Containers',
    item: Container,
    body: NewContainer,
  },
];

/** `/api/samples/projects`, `/batches`, `/containers`: create, list and get, in the caller's labs. */
export async function organiserRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  for (const { kind, one, Name, Names, item, body } of kinds) {
    app.post(
      `/api/samples/${kind}`,
      {
        config: { access: 'samples:create' },
        schema: {
          operationId: `create${Name}`,
          ...base,
          summary: `Create a ${one}`,
          body,
          response: { 201: item, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
        },
      },
      async (request, reply) => {
        const input = request.body as { lab_id?: string; code: string } & Record<string, string | number>;
        return reply
          .code(201)
          .send(await createOrganiser(ctx, request.principal, kind, input, actorOf(request)));
      },
    );
    app.get(
      `/api/samples/${kind}`,
      {
        config: { access: 'samples:read' },
        schema: {
          operationId: `list${Names}`,
          ...base,
          summary: `The ${kind} of my labs`,
          querystring: OffsetQuery,
          response: { 200: Type.Array(item), ...errorResponses(400, 401, 403, 429) },
        },
      },
      async (request) => {
        const { limit = 100, offset = 0 } = request.query as { limit?: number; offset?: number };
        return inLabs(ctx.db, request.principal.lab_ids, (tx) => listOrganisers(tx, kind, limit, offset));
      },
    );
    app.get(
      `/api/samples/${kind}/:id`,
      {
        config: { access: 'samples:read' },
        schema: {
          operationId: `get${Name}`,
          ...base,
          summary: `One ${one}`,
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          response: { 200: item, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        const row = await inLabs(ctx.db, request.principal.lab_ids, (tx) => organiserById(tx, kind, id));
        if (!row) throw new NotFoundError(`${one}_not_found`, `There is no such ${one}`);
        return row;
      },
    );
  }
}
