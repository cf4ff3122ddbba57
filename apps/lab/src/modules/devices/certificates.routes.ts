import multipart from '@fastify/multipart';
import { AppError } from '@ours/platform/errors';
import { encapsulate, errorResponses, type RouteScope } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/audit-actor.ts';
import { maxCertificateBytes } from './certificate-store.ts';
import { downloadCertificate, type UploadPart, uploadCertificate } from './certificates.service.ts';
import {
  CalibrationParams,
  Certificate,
  CertificateFile,
  CertificateQuery,
  CertificateUpload,
} from './devices.schema.ts';

const base = { tags: ['calibration'], security: [{ bearerAuth: [] }] };

// The parser's own errors, as stable codes (its messages and 406 for "not multipart" are not ours).
const multipartCodes: Record<string, [number, string, string]> = {
  FST_INVALID_MULTIPART_CONTENT_TYPE: [415, 'multipart_required', 'Send the file as multipart/form-data'],
  FST_REQ_FILE_TOO_LARGE: [
    413,
    'certificate_too_large',
    `A certificate may be at most ${maxCertificateBytes} bytes`,
  ],
  FST_FILES_LIMIT: [413, 'too_many_files', 'Send exactly one file'],
  FST_PARTS_LIMIT: [413, 'too_many_parts', 'The form has too many parts'],
  FST_FIELDS_LIMIT: [413, 'too_many_parts', 'The form has too many fields'],
  FST_PROTO_VIOLATION: [400, 'invalid_multipart', 'The form uses a forbidden field name'],
  FST_MP_PREMATURE_CLOSE: [400, 'invalid_multipart', 'The upload ended early'],
};

function explainMultipartError(error: unknown): never {
  if (error instanceof AppError) throw error;
  const code = (error as { code?: string }).code;
  const known = code === undefined ? undefined : multipartCodes[code];
  if (known) throw new AppError(known[0], known[1], known[2], { cause: error });
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== undefined && status < 500) {
    throw new AppError(400, 'invalid_multipart', 'The multipart form could not be read', { cause: error });
  }
  throw error;
}

/**
 * Certificate upload and download, in their own plugin context: the multipart parser (one file of
 * at most 10 MB) exists for these routes only. Authentication and permission run first (onRequest,
 * in the enclosing scope), so nothing is parsed for a caller who may not upload.
 */
export async function certificateRoutes(scope: RouteScope, ctx: LabContext): Promise<void> {
  await encapsulate(scope, async (app) => {
    await app.register(multipart, {
      limits: {
        fileSize: maxCertificateBytes,
        files: 1,
        fields: 10,
        fieldSize: 1024,
        parts: 11,
        headerPairs: 20,
      },
    });

    app.post(
      '/api/calibration/:id/certificate',
      {
        config: { access: 'calibration:create' },
        schema: {
          operationId: 'uploadCertificate',
          ...base,
          summary: 'Attach a certificate (PDF, PNG or JPEG by content, at most 10 MB) as a new version',
          description:
            'One multipart file part. The type is read from the content; the client file name and content ' +
            'type are not trusted. The file is stored under a server-made name with its SHA-256; a re-upload ' +
            'adds a version and never replaces one. 413 `certificate_too_large`, 415 ' +
            '`unsupported_certificate_type`, 400 `file_required`, 415 `multipart_required`.',
          consumes: ['multipart/form-data'],
          params: CalibrationParams,
          body: CertificateUpload,
          response: { 201: Certificate, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) explainMultipartError({ code: 'FST_INVALID_MULTIPART_CONTENT_TYPE' });
        const certificate = await uploadCertificate(
          ctx,
          request.principal,
          request.params.id,
          () => request.parts() as AsyncIterable<UploadPart>,
          actorOf(request),
        ).catch(explainMultipartError);
        return reply.code(201).send(certificate);
      },
    );

    app.get(
      '/api/calibration/:id/certificate',
      {
        config: { access: 'calibration:read' },
        schema: {
          operationId: 'downloadCertificate',
          ...base,
          summary: 'Download a certificate (the latest version unless ?version=)',
          params: CalibrationParams,
          querystring: CertificateQuery,
          response: { 200: CertificateFile, ...errorResponses(400, 401, 403, 404, 429, 500) },
        },
      },
      async (request, reply) => {
        const { certificate, body, filename } = await downloadCertificate(
          ctx,
          request.principal,
          request.params.id,
          request.query.version,
          actorOf(request),
        );
        return reply
          .type(certificate.media_type)
          .header('content-length', certificate.size_bytes)
          .header('content-disposition', `attachment; filename="${filename}"`)
          .header('etag', `"${certificate.sha256}"`)
          .header('cache-control', 'private, no-store')
          .send(body);
      },
    );
  });
}
