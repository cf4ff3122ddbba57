import { errorResponses, type RouteScope } from '@ours/platform/http';
import { Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/index.ts';
import { SignaturesQuery, SignatureView, SignBody, VerificationReply } from './signatures.schema.ts';
import { signaturesOfRecord, signRecordFor, verifySignature } from './signatures.service.ts';

const base = { tags: ['signatures'], security: [{ bearerAuth: [] }] };

export async function signatureRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.post(
    '/api/signatures',
    {
      config: { access: 'signatures:create' },
      schema: {
        operationId: 'signRecord',
        ...base,
        summary: 'Sign a record (re-enter your password, and your MFA code when enabled)',
        body: SignBody,
        response: { 201: SignatureView, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 423, 429) },
      },
    },
    async (request, reply) => {
      const signature = await signRecordFor(ctx, request.principal, request.body, actorOf(request));
      return reply.code(201).send(signature);
    },
  );

  app.get(
    '/api/signatures',
    {
      config: { access: 'signatures:read' },
      schema: {
        operationId: 'listSignatures',
        ...base,
        summary: "A record's signatures, oldest first",
        querystring: SignaturesQuery,
        response: { 200: Type.Array(SignatureView), ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) =>
      signaturesOfRecord(ctx, request.principal, request.query.record_type, request.query.record_id),
  );

  app.get(
    '/api/signatures/:id/verify',
    {
      config: { access: 'signatures:read' },
      schema: {
        operationId: 'verifySignature',
        ...base,
        summary: 'Re-check a signature and whether its record changed since it was signed',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: VerificationReply, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => verifySignature(ctx, request.principal, request.params.id),
  );
}
