import { Readable } from 'node:stream';
import { errorResponses, type RouteScope } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import { AuditExportFile, AuditPage, AuditQuery, ExportQuery, Verification } from './audit.schema.ts';
import { exportEntries, searchTrail, verifyAuditTrail } from './audit.service.ts';
import { csvHeader, csvRows } from './audit-export.ts';

const base = { tags: ['compliance'], security: [{ bearerAuth: [] }] };

export async function auditRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.get(
    '/api/compliance/audit',
    {
      config: { access: 'audit:read' },
      schema: {
        operationId: 'listAuditEntries',
        ...base,
        summary: 'The audit trail, newest first, filtered (keyset pagination)',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { limit = 50, cursor, ...filter } = request.query;
      const rows = await searchTrail(ctx, filter, {
        beforeSeq: cursor === undefined ? undefined : Number(cursor),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit).map((row) => ({ ...row, seq: Number(row.seq) }));
      const last = items.at(-1);
      return { items, next_cursor: rows.length > limit && last ? String(last.seq) : null };
    },
  );

  app.get(
    '/api/compliance/audit/verify',
    {
      config: { access: 'audit:read' },
      schema: {
        operationId: 'verifyAuditTrail',
        ...base,
        summary: 'Walk the whole chain from genesis and report the first broken entry',
        response: { 200: Verification, ...errorResponses(401, 403, 429) },
      },
    },
    async () => verifyAuditTrail(ctx),
  );

  app.get(
    '/api/compliance/audit/export',
    {
      config: { access: 'audit:export' },
      schema: {
        operationId: 'exportAuditTrail',
        ...base,
        summary: 'Export the filtered trail as CSV or JSON, with a verification summary of the chain',
        querystring: ExportQuery,
        response: { 200: AuditExportFile, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const { format = 'json', limit: _limit, cursor: _cursor, ...filter } = request.query;
      const verification = await verifyAuditTrail(ctx);
      const summary = `valid=${verification.valid}; checked=${verification.checked}; head_hash=${verification.head_hash}; first_invalid_seq=${verification.first_invalid_seq ?? 'none'}`;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      reply.header('x-audit-verification', summary);
      reply.header('content-disposition', `attachment; filename="audit-${stamp}.${format}"`);
      const pages = exportEntries(ctx, filter);
      if (format === 'csv') {
        reply.type('text/csv; charset=utf-8');
        return reply.send(Readable.from(csvLines(pages)));
      }
      reply.type('application/json; charset=utf-8');
      return reply.send(Readable.from(jsonDocument(pages, verification, filter)));
    },
  );
}

async function* csvLines(pages: AsyncGenerator<Parameters<typeof csvRows>[0]>) {
  yield csvHeader();
  for await (const page of pages) yield csvRows(page);
}

/** `{ verification, filter, exported_at, entries: [...] }`, streamed a page at a time. */
async function* jsonDocument(
  pages: AsyncGenerator<Parameters<typeof csvRows>[0]>,
  verification: object,
  filter: object,
) {
  yield `{"verification":${JSON.stringify(verification)},"filter":${JSON.stringify(filter)},"exported_at":${JSON.stringify(new Date().toISOString())},"entries":[`;
  let first = true;
  for await (const page of pages) {
    for (const entry of page) {
      yield `${first ? '' : ','}${JSON.stringify({ ...entry, seq: Number(entry.seq) })}`;
      first = false;
    }
  }
  yield ']}\n';
}
