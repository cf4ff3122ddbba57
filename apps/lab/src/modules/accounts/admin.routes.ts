import { errorResponses, type RouteScope } from '@ours/platform/http';
import { Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/index.ts';
import { NoContent } from '../shared/schema.ts';
import { SignatureView } from '../signatures/index.ts';
import {
  CreateUserBody,
  GrantRoleBody,
  ReasonBody,
  ResetPasswordBody,
  Role,
  RoleName,
  UpdateUserBody,
  User,
  UserId,
} from './accounts.schema.ts';
import {
  accountWithSignatures,
  createAccount,
  listAccountRoles,
  listAccounts,
  unlockAccount,
  updateAccount,
} from './accounts.service.ts';
import { resetPassword } from './passwords.service.ts';
import { assignRole, removeRole } from './roles.service.ts';

/** Account administration: users:manage (admins). */
export async function adminRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  const config = { access: 'users:manage' as const };
  const base = { tags: ['admin'], security: [{ bearerAuth: [] }] };

  app.get(
    '/api/admin/users',
    {
      config,
      schema: {
        operationId: 'listUsers',
        ...base,
        summary: 'All accounts',
        response: { 200: Type.Array(User), ...errorResponses(401, 403, 429) },
      },
    },
    async () => listAccounts(ctx),
  );

  app.get(
    '/api/admin/users/:id',
    {
      config,
      schema: {
        operationId: 'getUser',
        ...base,
        summary: 'One account, with the signatures made on it',
        params: UserId,
        response: {
          200: Type.Object({ ...User.properties, signatures: Type.Array(SignatureView) }),
          ...errorResponses(400, 401, 403, 404, 429),
        },
      },
    },
    async (request) => accountWithSignatures(ctx, request.params.id),
  );

  app.post(
    '/api/admin/users',
    {
      config,
      schema: {
        operationId: 'createUser',
        ...base,
        summary: 'Create an account',
        body: CreateUserBody,
        response: { 201: User, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const user = await createAccount(
        ctx,
        { ...request.body, roles: request.body.roles ?? [] },
        actorOf(request),
      );
      return reply.code(201).send(user);
    },
  );

  app.patch(
    '/api/admin/users/:id',
    {
      config,
      schema: {
        operationId: 'updateUser',
        ...base,
        summary: 'Rename or (de)activate an account (deactivation ends its sessions)',
        params: UserId,
        body: UpdateUserBody,
        response: { 200: User, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request) => updateAccount(ctx, request.params.id, request.body, actorOf(request)),
  );

  app.post(
    '/api/admin/users/:id/password',
    {
      config,
      schema: {
        operationId: 'resetUserPassword',
        ...base,
        summary: "Reset someone's password (also unlocks)",
        params: UserId,
        body: ResetPasswordBody,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      await resetPassword(ctx, request.params.id, request.body, actorOf(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/admin/users/:id/unlock',
    {
      config,
      schema: {
        operationId: 'unlockUser',
        ...base,
        summary: 'Lift a lockout',
        params: UserId,
        body: ReasonBody,
        response: { 200: User, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => unlockAccount(ctx, request.params.id, request.body.reason, actorOf(request)),
  );

  app.post(
    '/api/admin/users/:id/roles',
    {
      config,
      schema: {
        operationId: 'grantRole',
        ...base,
        summary: 'Grant a role',
        params: UserId,
        body: GrantRoleBody,
        response: { 200: User, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request) =>
      assignRole(ctx, request.params.id, request.body.role, request.body.reason, actorOf(request)),
  );

  app.delete(
    '/api/admin/users/:id/roles/:role',
    {
      config,
      schema: {
        operationId: 'revokeRole',
        ...base,
        summary: 'Revoke a role',
        params: Type.Object({ ...UserId.properties, role: RoleName }),
        body: ReasonBody,
        response: { 200: User, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request) =>
      removeRole(ctx, request.params.id, request.params.role, request.body.reason, actorOf(request)),
  );

  app.get(
    '/api/admin/roles',
    {
      config,
      schema: {
        operationId: 'listRoles',
        ...base,
        summary: 'Roles and their permissions',
        response: { 200: Type.Array(Role), ...errorResponses(401, 403, 429) },
      },
    },
    async () => listAccountRoles(ctx),
  );
}
