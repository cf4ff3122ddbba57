import { stringify } from 'csv-stringify/sync';
import { type AuditEntry, auditEntryColumns } from './audit.repository.ts';

/** The export's header row is the entry's columns, in the API's order. */
export const csvColumns = auditEntryColumns;

/**
 * A cell as text. Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a leading
 * apostrophe, so an exported trail opened in Excel cannot execute what a user typed.
 */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function csvHeader(): string {
  return stringify([[...csvColumns]]);
}

export function csvRows(entries: AuditEntry[]): string {
  return stringify(entries.map((entry) => csvColumns.map((column) => cell(entry[column]))));
}
