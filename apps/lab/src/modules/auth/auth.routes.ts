import { createLimiter, errorResponses, type RouteScope } from '@ours/platform/http';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { Me, User } from '../accounts/index.ts';
import { changeOwnPassword } from '../accounts/passwords.service.ts';
import { completeSetup } from '../accounts/setup.service.ts';
import { actorOf, claimantOf } from '../audit/index.ts';
import { beginEnrolment, confirmEnrolment, turnOffMfa } from '../mfa/mfa.service.ts';
import { NoContent } from '../shared/schema.ts';
import {
  ConfirmBody,
  DisableBody,
  EnrolBody,
  EnrolReply,
  LoginBody,
  MfaBody,
  MfaRequiredReply,
  PasswordChangeBody,
  RecoveryCodesReply,
  RefreshBody,
  SetupBody,
  TokenPairReply,
} from './auth.schema.ts';
import { completeMfa, login } from './login.service.ts';
import { endSession, refreshSession } from './sessions.service.ts';

const tags = ['auth'];

/** The steps that obtain or end a session: public, and limited per client IP. */
export async function publicAuthRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  const loginLimiter = createLimiter(app, 'login', {
    max: ctx.config.rateLimits.loginPerMinute,
    windowMs: 60_000,
  });
  const limitByIp = async (request: FastifyRequest) => loginLimiter(request, request.ip);
  const config = { access: 'public' as const };

  app.post(
    '/auth/setup',
    {
      config,
      onRequest: limitByIp,
      schema: {
        operationId: 'completeSetup',
        tags,
        security: [],
        summary: 'First run: create the first administrator with the one-time setup token',
        body: SetupBody,
        response: { 201: User, ...errorResponses(400, 401, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { setup_token, email, full_name, password } = request.body;
      const user = await completeSetup(
        ctx,
        { setup_token, email, full_name, password },
        claimantOf(request, email),
      );
      return reply.code(201).send(user);
    },
  );

  app.post(
    '/auth/login',
    {
      config,
      onRequest: limitByIp,
      schema: {
        operationId: 'login',
        tags,
        security: [],
        summary: 'Sign in with e-mail and password (MFA accounts get a token for the second step)',
        body: LoginBody,
        response: {
          200: Type.Union([TokenPairReply, MfaRequiredReply]),
          ...errorResponses(400, 401, 413, 415, 423, 429),
        },
      },
    },
    async (request) => login(ctx, request.body, claimantOf(request, request.body.email)),
  );

  app.post(
    '/auth/mfa',
    {
      config,
      onRequest: limitByIp,
      schema: {
        operationId: 'completeMfaLogin',
        tags,
        security: [],
        summary: 'Second step of an MFA sign-in',
        body: MfaBody,
        response: { 200: TokenPairReply, ...errorResponses(400, 401, 413, 415, 423, 429) },
      },
    },
    async (request) => completeMfa(ctx, request.body, claimantOf(request)),
  );

  app.post(
    '/auth/refresh',
    {
      config,
      onRequest: limitByIp,
      schema: {
        operationId: 'refreshSession',
        tags,
        security: [],
        summary: 'Rotate a refresh token for a new pair (a reused token ends the whole session)',
        body: RefreshBody,
        response: { 200: TokenPairReply, ...errorResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request) => refreshSession(ctx, request.body.refresh_token, claimantOf(request)),
  );

  app.post(
    '/auth/logout',
    {
      config,
      onRequest: limitByIp,
      schema: {
        operationId: 'logout',
        tags,
        security: [],
        summary: 'End the session this refresh token belongs to',
        body: RefreshBody,
        response: { 204: NoContent, ...errorResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      await endSession(ctx, request.body.refresh_token, claimantOf(request));
      return reply.code(204).send(null);
    },
  );
}

/** Self-service for any signed-in user: who am I, change my password, manage my MFA. */
export async function selfServiceRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  const config = { access: 'authenticated' as const };
  const security = [{ bearerAuth: [] }];

  app.get(
    '/auth/me',
    {
      config,
      schema: {
        operationId: 'getMe',
        tags,
        security,
        summary: 'The signed-in user, roles and permissions',
        response: { 200: Me, ...errorResponses(401, 429) },
      },
    },
    async (request) => {
      const { id, email, full_name, mfa_enabled, roles, permissions, lab_ids } = request.principal;
      return { id, email, full_name, mfa_enabled, roles, permissions, lab_ids, amr: request.amr };
    },
  );

  app.post(
    '/auth/password',
    {
      config,
      schema: {
        operationId: 'changeMyPassword',
        tags,
        security,
        summary: 'Change my password (ends my other sessions)',
        body: PasswordChangeBody,
        response: { 204: NoContent, ...errorResponses(400, 401, 413, 415, 423, 429) },
      },
    },
    async (request, reply) => {
      await changeOwnPassword(ctx, request.principal.id, request.body, actorOf(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/mfa/enrol',
    {
      config,
      schema: {
        operationId: 'startMfaEnrolment',
        tags,
        security,
        summary: 'Start TOTP enrolment',
        body: EnrolBody,
        response: { 200: EnrolReply, ...errorResponses(400, 401, 409, 413, 415, 423, 429) },
      },
    },
    async (request) => beginEnrolment(ctx, request.principal, request.body.password, actorOf(request)),
  );

  app.post(
    '/auth/mfa/confirm',
    {
      config,
      schema: {
        operationId: 'confirmMfaEnrolment',
        tags,
        security,
        summary: 'Confirm enrolment with a first code; returns 10 single-use recovery codes',
        body: ConfirmBody,
        response: { 200: RecoveryCodesReply, ...errorResponses(400, 401, 409, 413, 415, 429) },
      },
    },
    async (request) => confirmEnrolment(ctx, request.principal.id, request.body.code, actorOf(request)),
  );

  app.post(
    '/auth/mfa/disable',
    {
      config,
      schema: {
        operationId: 'disableMfa',
        tags,
        security,
        summary: 'Turn MFA off (password and a code)',
        body: DisableBody,
        response: { 204: NoContent, ...errorResponses(400, 401, 409, 413, 415, 423, 429) },
      },
    },
    async (request, reply) => {
      await turnOffMfa(ctx, request.principal.id, request.body, actorOf(request));
      return reply.code(204).send(null);
    },
  );
}
