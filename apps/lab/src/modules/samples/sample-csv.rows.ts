import { AppError, ValidationError } from '@ours/platform/errors';
import { CsvError, parse } from 'csv-parse/sync';
import {
  exportOnlyColumns,
  type ImportColumn,
  importColumns,
  isImportColumn,
  requiredColumns,
  uncell,
} from './sample-csv.format.ts';

/** One problem in an import file. `row` counts data rows from 1 (the header is row 0). */
export interface RowError {
  row: number;
  line?: number;
  column?: string;
  code: string;
  message: string;
}

/** A data row: its number, the file line it ends on, and its cells by column (trimmed, unguarded). */
export interface CsvRow {
  row: number;
  line: number;
  cells: Partial<Record<ImportColumn, string>>;
}

export const maxImportRows = 10_000;
export const maxReportedErrors = 1_000;

/** Every error in one report: 409 when all are id clashes, 400 otherwise. Nothing was imported. */
export function rejection(errors: RowError[]): AppError {
  const sorted = [...errors].sort((a, b) => a.row - b.row);
  const conflictsOnly = sorted.every((error) => ['duplicate_in_file', 'sample_exists'].includes(error.code));
  const details = {
    errors: sorted.slice(0, maxReportedErrors),
    error_count: sorted.length,
    truncated: sorted.length > maxReportedErrors,
  };
  const rows = new Set(sorted.map((error) => error.row)).size;
  return conflictsOnly
    ? new AppError(
        409,
        'csv_conflict',
        `${rows} row(s) clash with other rows or existing samples; nothing was imported`,
        { details },
      )
    : new AppError(400, 'csv_rejected', `${rows} row(s) have errors; nothing was imported`, { details });
}

/**
 * Parses the file into header-checked rows, with the errors of rows that could not be read at all
 * (the caller goes on to check every other row before answering). A byte order mark and CRLF or LF line ends are
 * accepted; blank lines and rows of empty cells (spreadsheet padding) are skipped.
 */
export function readCsv(text: string): { rows: CsvRow[]; errors: RowError[] } {
  // Each record with the file line it ends on, gathered as the parser reads it (a record the
  // callback answers null for is left out of the parser's own result, which is not needed).
  const records: { record: string[]; lines: number }[] = [];
  try {
    parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record, context) => {
        records.push({ record, lines: context.lines });
        return null;
      },
    });
  } catch (error) {
    if (error instanceof CsvError) {
      throw new ValidationError('invalid_csv', `The file is not valid CSV: ${error.message}`);
    }
    throw error;
  }
  const [header, ...data] = records;
  if (!header) throw new ValidationError('csv_empty', 'The file is empty: a header row is required');
  const columns = header.record.map((name) => name.trim().toLowerCase());
  const errors: RowError[] = [];
  const known = new Set<string>([...importColumns, ...exportOnlyColumns]);
  for (const [index, name] of columns.entries()) {
    if (!known.has(name)) {
      errors.push({
        row: 0,
        line: 1,
        column: name,
        code: 'unknown_column',
        message: `Unknown column "${name}"`,
      });
    } else if (columns.indexOf(name) !== index) {
      errors.push({
        row: 0,
        line: 1,
        column: name,
        code: 'duplicate_column',
        message: `Column "${name}" appears twice`,
      });
    }
  }
  for (const name of requiredColumns) {
    if (!columns.includes(name)) {
      errors.push({
        row: 0,
        line: 1,
        column: name,
        code: 'missing_column',
        message: `Column "${name}" is required`,
      });
    }
  }
  if (errors.length > 0) throw rejection(errors);
  const rows: CsvRow[] = [];
  for (const [index, { record, lines }] of data.entries()) {
    if (record.every((cell) => cell.trim() === '')) continue;
    if (record.length !== columns.length) {
      errors.push({
        row: index + 1,
        line: lines,
        code: 'wrong_column_count',
        message: `Expected ${columns.length} cells, found ${record.length}`,
      });
      continue;
    }
    const cells: Partial<Record<ImportColumn, string>> = {};
    for (const [position, name] of columns.entries()) {
      if (isImportColumn(name)) cells[name] = uncell((record[position] ?? '').trim());
    }
    rows.push({ row: index + 1, line: lines, cells });
  }
  if (rows.length + errors.length === 0) throw new ValidationError('csv_empty', 'The file has no data rows');
  if (rows.length + errors.length > maxImportRows) {
    throw new AppError(413, 'too_many_rows', `At most ${maxImportRows} rows per import; split the file`, {
      details: { limit: maxImportRows, rows: rows.length + errors.length },
    });
  }
  return { rows, errors };
}
