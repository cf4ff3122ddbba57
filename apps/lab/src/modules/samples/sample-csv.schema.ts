import { Type } from 'typebox';
import { SampleQuery } from './samples.schema.ts';

const { limit: _limit, cursor: _cursor, ...filters } = SampleQuery.properties;

/** The list's filters without paging: an export walks every page itself. */
export const ExportQuery = Type.Object(filters, { additionalProperties: false });

export const ImportBody = Type.String({
  description:
    'UTF-8 CSV (a BOM and CRLF are fine) with a header row: sample_id, sample_type, quantity, unit, and ' +
    'optionally status (received | in_storage), container_id, project_id, batch_id, metadata (a JSON ' +
    'object), lab_id. Columns an export adds (id, created_at, ...) are ignored. At most 10,000 rows and 5 MB.',
});

export const ImportReply = Type.Object({ imported: Type.Integer({ minimum: 1 }) });

export const CsvFile: Record<string, unknown> = {
  description:
    'CSV with a header row; cells that would start a spreadsheet formula are prefixed with an apostrophe',
  content: { 'text/csv': { schema: Type.String() } },
};
