import multipart from '@fastify/multipart';
import { encapsulate, errorResponses, type RouteScope } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/index.ts';
import { certificateFormParts, multipartError } from './certificate-form.ts';
import { maxCertificateBytes } from './certificate-store.ts';
import { downloadCertificate, uploadCertificate } from './certificates.service.ts';
import {
  CalibrationParams,
  Certificate,
  CertificateFile,
  CertificateQuery,
  CertificateUpload,
} from './devices.schema.ts';

const base = { tags: ['calibration'], security: [{ bearerAuth: [] }] };

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
            '`unsupported_certificate_type`, 400 `file_required`, 415 `multipart_required`, 400 ' +
            '`invalid_multipart` (no boundary, cut short, garbage), 415 `unsupported_content_encoding` ' +
            '(send it uncompressed).',
          consumes: ['multipart/form-data'],
          params: CalibrationParams,
          body: CertificateUpload,
          response: { 201: Certificate, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) throw multipartError({ code: 'FST_INVALID_MULTIPART_CONTENT_TYPE' });
        const certificate = await uploadCertificate(
          ctx,
          request.principal,
          request.params.id,
          () => certificateFormParts(request),
          actorOf(request),
        );
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
