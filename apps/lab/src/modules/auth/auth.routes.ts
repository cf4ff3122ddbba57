import fastifyCookie from '@fastify/cookie';
import { ValidationError } from '@ours/platform/errors';
import { createLimiter, errorResponses, type RouteScope } from '@ours/platform/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { Me, User } from '../accounts/index.ts';
import { changeOwnPassword } from '../accounts/passwords.service.ts';
import { completeSetup } from '../accounts/setup.service.ts';
import { actorOf, claimantOf } from '../audit/index.ts';
import { beginEnrolment, confirmEnrolment, turnOffMfa } from '../mfa/mfa.service.ts';
import { NoContent } from '../shared/schema.ts';
import {
  BrowserTokensReply,
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
  SessionReply,
  SetupBody,
  TokenPairReply,
} from './auth.schema.ts';
import { clearBrowserSession, cookieRefreshToken, csrfKey, startBrowserSession } from './browser-session.ts';
import { completeMfa, login } from './login.service.ts';
import { endSession, refreshSession, type TokenPair } from './sessions.service.ts';

const tags = ['auth'];

/** The steps that obtain or end a session: public, and limited per client IP. */
export async function publicAuthRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  const loginLimiter = createLimiter(app, 'login', {
    max: ctx.config.rateLimits.loginPerMinute,
    windowMs: 60_000,
  });
  const limitByIp = async (request: FastifyRequest) => loginLimiter(request, request.ip);
  const config = { access: 'public' as const };
  await app.register(fastifyCookie);
  const browser = { key: csrfKey(ctx.keys.secretKey), refreshDays: ctx.config.auth.refreshTokenDays };
  /** The answer to a sign-in or refresh: the pair itself, or for a browser session, cookies. */
  const answer = (
    request: FastifyRequest,
    reply: FastifyReply,
    pair: TokenPair,
    mode: 'token' | 'cookie' | undefined,
  ) => (mode === 'cookie' ? startBrowserSession(request, reply, pair, browser) : pair);
  /** The refresh token of a request: from its body (JSON mode) or its cookie (browser). */
  const refreshTokenOf = (request: FastifyRequest<{ Body: { refresh_token?: string | undefined } }>) => {
    if (request.body.refresh_token) return { token: request.body.refresh_token, browser: false };
    const token = cookieRefreshToken(request, browser.key);
    if (!token) {
      throw new ValidationError(
        'refresh_token_required',
        'Send refresh_token, or the session cookie with X-CSRF-Token',
      );
    }
    return { token, browser: true };
  };

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
          200: Type.Union([TokenPairReply, BrowserTokensReply, MfaRequiredReply]),
          ...errorResponses(400, 401, 413, 415, 423, 429),
        },
      },
    },
    async (request, reply) => {
      const { session, ...credentials } = request.body;
      const outcome = await login(ctx, credentials, claimantOf(request, credentials.email));
      return 'mfa_required' in outcome ? outcome : answer(request, reply, outcome, session);
    },
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
        response: { 200: SessionReply, ...errorResponses(400, 401, 413, 415, 423, 429) },
      },
    },
    async (request, reply) => {
      const { session, ...proof } = request.body;
      return answer(request, reply, await completeMfa(ctx, proof, claimantOf(request)), session);
    },
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
        description:
          'JSON mode: the refresh token in the body. Browser session: {} with the lab_refresh cookie and the X-CSRF-Token header (401 csrf_failed without it); the new refresh token goes back in the cookie.',
        body: RefreshBody,
        response: { 200: SessionReply, ...errorResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const given = refreshTokenOf(request);
      try {
        const pair = await refreshSession(ctx, given.token, claimantOf(request));
        return answer(request, reply, pair, given.browser ? 'cookie' : 'token');
      } catch (error) {
        // A dead browser session leaves no cookie behind to retry with.
        if (given.browser) clearBrowserSession(request, reply);
        throw error;
      }
    },
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
      const given = refreshTokenOf(request);
      await endSession(ctx, given.token, claimantOf(request));
      if (given.browser) clearBrowserSession(request, reply);
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
