import { NotFoundError } from '@ours/platform/errors';
import type { RouteScope } from '@ours/platform/http';
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

const kinds: { kind: OrganiserKind; one: string; item: TSchema; body: TSchema }[] = [
  { kind: 'projects', one: 'project', item: Project, body: NewProject },
  { kind: 'batches', one: 'batch', item: Batch, body: NewBatch },
  { kind: 'containers', one: 'container', item: Container, body: NewContainer },
];

/** `/api/samples/projects`, `/batches`, `/containers`: create, list and get, in the caller's labs. */
export async function organiserRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  for (const { kind, one, item, body } of kinds) {
    app.post(
      `/api/samples/${kind}`,
      {
        config: { access: 'samples:create' },
        schema: { ...base, summary: `Create a ${one}`, body, response: { 201: item } },
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
          ...base,
          summary: `The ${kind} of my labs`,
          querystring: OffsetQuery,
          response: { 200: Type.Array(item) },
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
          ...base,
          summary: `One ${one}`,
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          response: { 200: item },
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
