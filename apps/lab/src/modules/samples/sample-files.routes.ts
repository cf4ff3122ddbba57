import { Readable } from 'node:stream';
import { AppError } from '@ours/platform/errors';
import {
  bodyTextProblem,
  encapsulate,
  errorResponses,
  invalidCharacters,
  type RouteScope,
} from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/index.ts';
import { exportSamplesCsv } from './sample-csv.export.ts';
import { importSamplesCsv } from './sample-csv.import.ts';
import { CsvFile, ExportQuery, ImportBody, ImportReply } from './sample-csv.schema.ts';
import { LabelImage, LabelQuery, LabelSheetBody, LabelSheetPdf } from './sample-label.schema.ts';
import { labelSheet, sampleLabel } from './sample-label.service.ts';
import { SampleParams } from './samples.schema.ts';

const base = { tags: ['samples'], security: [{ bearerAuth: [] }] };
const maxCsvBytes = 5 * 1024 * 1024;

/** Labels (SVG, PNG, PDF sheets) and CSV import/export of samples. */
export async function sampleFileRoutes(scope: RouteScope, ctx: LabContext): Promise<void> {
  // Its own plugin context, so the CSV body parser and its larger limit apply to these routes only.
  await encapsulate(scope, async (app) => {
    app.addContentTypeParser(
      'text/csv',
      { parseAs: 'buffer', bodyLimit: maxCsvBytes },
      (_request, body, done) => {
        // The platform's request-text rule (UTF-8, no NUL), up front rather than half-way through.
        const raw = Buffer.isBuffer(body) ? body : Buffer.from(body);
        const problem = bodyTextProblem(raw);
        if (problem) done(invalidCharacters(problem), undefined);
        else done(null, raw.toString('utf8'));
      },
    );

    app.get(
      '/api/samples/:id/label',
      {
        config: { access: 'samples:read' },
        schema: {
          operationId: 'getSampleLabel',
          ...base,
          summary: 'A printable label (SVG or PNG) with a DataMatrix or QR code',
          description:
            'The code encodes `<business id>|<uuid>`: the uuid after the last `|` resolves the sample ' +
            'unambiguously (GET /api/samples/{uuid}); the business id is there for people.',
          params: SampleParams,
          querystring: LabelQuery,
          response: { 200: LabelImage, ...errorResponses(400, 401, 403, 404, 409, 429) },
        },
      },
      async (request, reply) => {
        const { format = 'svg', code = 'datamatrix' } = request.query;
        const label = await sampleLabel(ctx, request.principal, request.params.id, format, code);
        return reply
          .type(label.type)
          .header('content-disposition', `inline; filename="label-${label.sample.sample_id}.${format}"`)
          .send(label.body);
      },
    );

    app.post(
      '/api/samples/labels',
      {
        config: { access: 'samples:read' },
        schema: {
          operationId: 'printSampleLabels',
          ...base,
          summary: 'A PDF sheet of labels for 1-200 samples (unknown ids: 404 listing them)',
          body: LabelSheetBody,
          response: { 200: LabelSheetPdf, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
        },
      },
      async (request, reply) => {
        const pdf = await labelSheet(
          ctx,
          request.principal,
          request.body.ids,
          request.body.code ?? 'datamatrix',
        );
        return reply
          .type('application/pdf')
          .header('content-disposition', 'inline; filename="sample-labels.pdf"')
          .send(pdf);
      },
    );

    app.post(
      '/api/samples/import',
      {
        config: { access: 'samples:create' },
        bodyLimit: maxCsvBytes,
        schema: {
          operationId: 'importSamples',
          ...base,
          summary: 'Import samples from CSV, all or nothing (a per-row error report on any problem)',
          description:
            'Every row is checked before anything is written. Problems answer 400 `csv_rejected` (or 409 ' +
            '`csv_conflict` when every problem is an id repeated in the file or already taken) with ' +
            '`details.errors: [{ row, line, column, code, message }]`, where row 1 is the first data row. ' +
            'More than 10,000 rows: 413 `too_many_rows`.',
          consumes: ['text/csv'],
          body: ImportBody,
          response: { 201: ImportReply, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
        },
      },
      async (request, reply) => {
        if (!request.headers['content-type']?.toLowerCase().startsWith('text/csv')) {
          throw new AppError(415, 'unsupported_media_type', 'Send the file as text/csv');
        }
        const result = await importSamplesCsv(ctx, request.principal, request.body, actorOf(request));
        return reply.code(201).send(result);
      },
    );

    app.get(
      '/api/samples/export',
      {
        config: { access: 'samples:read' },
        schema: {
          operationId: 'exportSamples',
          ...base,
          summary: 'The filtered sample list as CSV (same filters as the list), streamed',
          querystring: ExportQuery,
          response: { 200: CsvFile, ...errorResponses(400, 401, 403, 429) },
        },
      },
      async (request, reply) => {
        const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '');
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="samples-${stamp}.csv"`)
          .send(Readable.from(exportSamplesCsv(ctx, request.principal, request.query)));
      },
    );
  });
}
