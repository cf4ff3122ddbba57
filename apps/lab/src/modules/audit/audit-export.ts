import { stringify } from 'csv-stringify/sync';
import type { AuditEntry } from './audit.repository.ts';

export const csvColumns = [
  'seq',
  'occurred_at',
  'actor_id',
  'actor_email',
  'action',
  'entity_type',
  'entity_id',
  'before',
  'after',
  'reason',
  'request_id',
  'client_ip',
  'prev_hash',
  'hash',
] as const;

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
