import { errorResponses, type RouteScope } from '@ours/platform/http';
import { Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { ReasonBody, User, UserId } from '../accounts/index.ts';
import { actorOf } from '../audit/index.ts';
import { createHub, createNode, hubsInLabs, nodesInLabs } from './infrastructure.service.ts';
import {
  CreateHubBody,
  CreateLabBody,
  CreateNodeBody,
  Hub,
  Lab,
  MembershipBody,
  Node,
} from './sites.schema.ts';
import { changeMembership, createLab, everyLab, labsOf } from './sites.service.ts';

const security = [{ bearerAuth: [] }];
const tags = ['sites'];

export async function siteRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.get(
    '/api/labs',
    {
      config: { access: 'authenticated' },
      schema: {
        operationId: 'listMyLabs',
        tags,
        security,
        summary: 'The labs I belong to',
        response: { 200: Type.Array(Lab), ...errorResponses(401, 429) },
      },
    },
    async (request) => labsOf(ctx, request.principal),
  );

  app.get(
    '/api/admin/labs',
    {
      config: { access: 'sites:manage' },
      schema: {
        operationId: 'listLabs',
        tags,
        security,
        summary: 'Every lab',
        response: { 200: Type.Array(Lab), ...errorResponses(401, 403, 429) },
      },
    },
    async () => everyLab(ctx),
  );

  app.post(
    '/api/admin/labs',
    {
      config: { access: 'sites:manage' },
      schema: {
        operationId: 'createLab',
        tags,
        security,
        summary: 'Create a lab (site)',
        body: CreateLabBody,
        response: { 201: Lab, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => reply.code(201).send(await createLab(ctx, request.body, actorOf(request))),
  );

  app.post(
    '/api/admin/users/:id/labs',
    {
      config: { access: 'users:manage' },
      schema: {
        operationId: 'addLabMember',
        tags,
        security,
        summary: 'Make a user a member of a lab',
        params: UserId,
        body: MembershipBody,
        response: { 200: User, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) =>
      changeMembership(
        ctx,
        {
          user_id: request.params.id,
          lab_id: request.body.lab_id,
          member: true,
          reason: request.body.reason ?? null,
        },
        actorOf(request),
      ),
  );

  app.delete(
    '/api/admin/users/:id/labs/:labId',
    {
      config: { access: 'users:manage' },
      schema: {
        operationId: 'removeLabMember',
        tags,
        security,
        summary: 'Remove a user from a lab (they no longer see its records)',
        params: Type.Object({ ...UserId.properties, labId: Type.String({ format: 'uuid' }) }),
        body: ReasonBody,
        response: { 200: User, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) =>
      changeMembership(
        ctx,
        {
          user_id: request.params.id,
          lab_id: request.params.labId,
          member: false,
          reason: request.body.reason,
        },
        actorOf(request),
      ),
  );

  app.get(
    '/api/sites/nodes',
    {
      config: { access: 'devices:read' },
      schema: {
        operationId: 'listNodes',
        tags,
        security,
        summary: 'Lab computers in my labs',
        response: { 200: Type.Array(Node), ...errorResponses(401, 403, 429) },
      },
    },
    async (request) => nodesInLabs(ctx, request.principal),
  );

  app.post(
    '/api/sites/nodes',
    {
      config: { access: 'devices:manage' },
      schema: {
        operationId: 'createNode',
        tags,
        security,
        summary: 'Register a lab computer',
        body: CreateNodeBody,
        response: { 201: Node, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createNode(ctx, request.principal, request.body, actorOf(request))),
  );

  app.get(
    '/api/sites/hubs',
    {
      config: { access: 'devices:read' },
      schema: {
        operationId: 'listHubs',
        tags,
        security,
        summary: 'Instrument gateways in my labs',
        response: { 200: Type.Array(Hub), ...errorResponses(401, 403, 429) },
      },
    },
    async (request) => hubsInLabs(ctx, request.principal),
  );

  app.post(
    '/api/sites/hubs',
    {
      config: { access: 'devices:manage' },
      schema: {
        operationId: 'createHub',
        tags,
        security,
        summary: 'Register an instrument gateway',
        body: CreateHubBody,
        response: { 201: Hub, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createHub(ctx, request.principal, request.body, actorOf(request))),
  );
}
