import { ApiError } from '../../api/api-error.ts';
import { parseDelimited } from './csv-text.ts';

/** One problem of a rejected import, as the API reports it (row 1 is the first data row, 0 the header). */
export interface ImportError {
  row: number;
  line?: number | undefined;
  column?: string | undefined;
  code: string;
  message: string;
}

export interface ImportReport {
  errors: ImportError[];
  errorCount: number;
  truncated: boolean;
}

/** The per-row report of a `csv_rejected` / `csv_conflict` refusal, or undefined for any other error. */
export function importReportOf(error: unknown): ImportReport | undefined {
  if (!(error instanceof ApiError) || !['csv_rejected', 'csv_conflict'].includes(error.code))
    return undefined;
  const details = error.details as
    | { errors?: unknown; error_count?: unknown; truncated?: unknown }
    | undefined;
  const errors = Array.isArray(details?.errors) ? (details.errors as ImportError[]) : [];
  return {
    errors,
    errorCount: typeof details?.error_count === 'number' ? details.error_count : errors.length,
    truncated: details?.truncated === true,
  };
}

/** The chosen file as the report refers to it: its header and its data rows by number (1-based). */
export interface CsvFilePreview {
  columns: string[];
  rows: Map<number, string[]>;
  rowCount: number;
}

export function previewCsv(text: string): CsvFilePreview {
  const [header, ...data] = parseDelimited(text, ',');
  const rows = new Map<number, string[]>();
  // Numbered as the API numbers them: every record after the header, blank lines skipped.
  for (const [index, record] of data.entries()) rows.set(index + 1, record.cells);
  return {
    columns: header?.cells.map((name) => name.trim().toLowerCase()) ?? [],
    rows,
    rowCount: data.length,
  };
}

/** The report's errors grouped by data row (header problems under row 0), rows in order. */
export function errorsByRow(report: ImportReport): [number, ImportError[]][] {
  const grouped = new Map<number, ImportError[]>();
  for (const error of report.errors) grouped.set(error.row, [...(grouped.get(error.row) ?? []), error]);
  return [...grouped.entries()].sort(([a], [b]) => a - b);
}
