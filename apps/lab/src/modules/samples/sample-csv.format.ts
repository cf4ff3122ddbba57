import { stringify } from 'csv-stringify/sync';
import type { SampleRow } from './samples.repository.ts';

/** The columns an import reads; the first four are required. */
export const importColumns = [
  'sample_id',
  'sample_type',
  'quantity',
  'unit',
  'status',
  'container_id',
  'project_id',
  'batch_id',
  'metadata',
  'lab_id',
] as const;
export type ImportColumn = (typeof importColumns)[number];
export const isImportColumn = (name: string): name is ImportColumn =>
  importColumns.some((column) => column === name);
export const requiredColumns: readonly ImportColumn[] = ['sample_id', 'sample_type', 'quantity', 'unit'];

/**
 * Columns an export adds for the record; an import accepts and ignores them, so an exported file
 * can be imported again (the database makes new uuids and timestamps).
 */
export const exportOnlyColumns = ['id', 'created_by', 'created_at', 'updated_at', 'deleted_at'] as const;

export const exportColumns = [...importColumns, ...exportOnlyColumns] as const;

const formulaStart = /^[=+\-@\t\r]/;

/**
 * A cell as text. Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a leading
 * apostrophe, so a file opened in Excel cannot execute what a user typed (as the audit export does).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return formulaStart.test(text) ? `'${text}` : text;
}

/**
 * Undoes `csvCell`'s guard on import: an apostrophe followed by a formula character is the guard,
 * so `'=x` reads back as `=x` and an export re-imports unchanged.
 */
export function uncell(text: string): string {
  return text.startsWith("'") && formulaStart.test(text.slice(1)) ? text.slice(1) : text;
}

export function exportHeader(): string {
  return stringify([[...exportColumns]], { record_delimiter: 'windows' });
}

/** CRLF line ends (RFC 4180), which every spreadsheet reads. */
export function exportRows(rows: SampleRow[]): string {
  return stringify(
    rows.map((row) => exportColumns.map((column) => csvCell(row[column]))),
    { record_delimiter: 'windows' },
  );
}
