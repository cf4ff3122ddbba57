import { errorResponses, type RouteScope } from '@ours/platform/http';
import { Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/index.ts';
import { runReport } from './run-report.service.ts';
import { RunParams } from './runs.schema.ts';

const RunReportPdf: Record<string, unknown> = {
  description: 'The run report as an A4 PDF (an attachment named run-<id>.pdf)',
  content: { 'application/pdf': { schema: Type.String({ format: 'binary' }) } },
};

/** `GET /api/runs/:id/report.pdf`: a run's record on paper; every export is audited. */
export async function runReportRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.get(
    '/api/runs/:id/report.pdf',
    {
      config: { access: 'runs:read' },
      schema: {
        operationId: 'getRunReport',
        tags: ['runs'],
        security: [{ bearerAuth: [] }],
        summary: 'A run report (PDF): identity, configuration, devices, samples, steps, signatures, audit',
        description:
          'Workflow version and definition hash, operator, times, status (failed step and error, or abort reason), parameters, the configuration snapshot hash with each bound device and its calibration, linked samples, the finished steps (the first and last 100 of a longer run, with a count of those left out), the electronic signatures, the audit entries of the run and its snapshot, and the chain head. Each export is audited (`run.report_exported`), and that entry is the head the report prints.',
        params: RunParams,
        response: { 200: RunReportPdf, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const report = await runReport(ctx, request.principal, request.params.id, actorOf(request));
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="run-${report.run_id}.pdf"`)
        .header('cache-control', 'no-store')
        .send(report.pdf);
    },
  );
}
