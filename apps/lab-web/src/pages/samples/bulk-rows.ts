import { ApiError } from '../../api/api-error.ts';
import { isUuid } from '../../format/text.ts';
import { delimiterOf, parseDelimited } from './csv-text.ts';
import { amountProblem, fromMicro, toMicro } from './quantities.ts';
import type { NewSample } from './sample-types.ts';

/** The columns a pasted row may have: the CSV import's. */
export const pasteColumns = [
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
export type PasteColumn = (typeof pasteColumns)[number];
/** Without a header row, the cells are read in this order. */
export const defaultColumns: PasteColumn[] = ['sample_id', 'sample_type', 'quantity', 'unit', 'status'];

export interface RowProblem {
  column?: string | undefined;
  message: string;
}

export interface PastedRow {
  /** 1 for the first data row (as the table shows it). */
  number: number;
  cells: Partial<Record<PasteColumn, string>>;
  input: NewSample;
  problems: RowProblem[];
}

export interface Paste {
  columns: PasteColumn[];
  hasHeader: boolean;
  rows: PastedRow[];
  /** Problems of the paste as a whole (an unknown column, too many rows). */
  problems: string[];
}

const isColumn = (name: string): name is PasteColumn => pasteColumns.some((column) => column === name);
const businessId = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const maxBulkRows = 100;

/** Checks one row's cells the way the API will, so most problems show before anything is sent. */
function readRow(number: number, cells: Partial<Record<PasteColumn, string>>): PastedRow {
  const problems: RowProblem[] = [];
  const cell = (column: PasteColumn) => (cells[column] ?? '').trim();
  const fail = (column: PasteColumn, message: string) => problems.push({ column, message });
  const input: NewSample = {
    sample_id: cell('sample_id'),
    sample_type: cell('sample_type'),
    quantity: 0,
    unit: cell('unit'),
  };
  if (!input.sample_id) fail('sample_id', 'A sample id is required');
  else if (!businessId.test(input.sample_id))
    fail('sample_id', 'Letters, digits, dot, dash and underscore only');
  if (!input.sample_type) fail('sample_type', 'A sample type is required');
  if (!input.unit) fail('unit', 'A unit is required');
  const quantityProblem = amountProblem(cell('quantity'));
  if (quantityProblem) fail('quantity', quantityProblem);
  else input.quantity = fromMicro(toMicro(cell('quantity')) ?? 0);
  const status = cell('status');
  if (status === 'received' || status === 'in_storage') input.status = status;
  else if (status) fail('status', 'A new sample is received or in_storage');
  for (const column of ['container_id', 'project_id', 'batch_id', 'lab_id'] as const) {
    const value = cell(column);
    if (value && !isUuid(value)) fail(column, `${column} must be a uuid`);
    else if (value) input[column] = value.toLowerCase();
  }
  const metadata = cell('metadata');
  if (metadata) {
    try {
      const parsed: unknown = JSON.parse(metadata);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        fail('metadata', 'metadata must be a JSON object');
      } else input.metadata = parsed as Record<string, unknown>;
    } catch {
      fail('metadata', 'metadata is not valid JSON');
    }
  }
  return { number, cells, input, problems };
}

/** Reads pasted rows: tab- or comma-separated, with or without a header row naming the columns. */
export function readPaste(text: string): Paste {
  const records = parseDelimited(text, delimiterOf(text)).filter((record) =>
    record.cells.some((cell) => cell.trim() !== ''),
  );
  const first = records[0]?.cells.map((cell) => cell.trim().toLowerCase()) ?? [];
  const hasHeader = first.includes('sample_id');
  const problems: string[] = [];
  let columns: PasteColumn[] = defaultColumns;
  if (hasHeader) {
    const unknown = first.filter((name) => name !== '' && !isColumn(name));
    if (unknown.length > 0) problems.push(`Unknown column(s): ${unknown.join(', ')}`);
    columns = first.filter(isColumn);
  }
  const names = hasHeader ? first : defaultColumns;
  const rows = records.slice(hasHeader ? 1 : 0).map((record, index) => {
    const cells: Partial<Record<PasteColumn, string>> = {};
    for (const [position, name] of names.entries()) {
      if (isColumn(name)) cells[name] = record.cells[position] ?? '';
    }
    const row = readRow(index + 1, cells);
    if (record.cells.length > names.length) {
      row.problems.push({ message: `${record.cells.length} cells where ${names.length} columns are known` });
    }
    return row;
  });
  if (rows.length > maxBulkRows) {
    problems.push(`At most ${maxBulkRows} rows at once: use the CSV import for more`);
  }
  return { columns, hasHeader, rows, problems };
}

const sampleIdsOf = (details: unknown): string[] => {
  const ids = (details as { sample_ids?: unknown } | undefined)?.sample_ids;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
};

/**
 * The API's refusal of a bulk registration, placed against the rows it is about: field problems
 * by their index in the body (`body/3/quantity` is row 4), taken or repeated ids by the row holding
 * them. Problems that name no row stay in the refusal's own message.
 */
export function problemsByRow(error: unknown, rows: PastedRow[]): Map<number, RowProblem[]> {
  const byRow = new Map<number, RowProblem[]>();
  const add = (number: number, problem: RowProblem) => {
    const list = byRow.get(number) ?? [];
    if (!list.some((known) => known.column === problem.column && known.message === problem.message)) {
      list.push(problem);
    }
    byRow.set(number, list);
  };
  if (!(error instanceof ApiError)) return byRow;
  if (error.code === 'validation_failed' && Array.isArray(error.details)) {
    for (const detail of error.details as { field?: string; problem?: string }[]) {
      const match = /^(?:body)?\/(\d+)(?:\/([a-z_]+))?/.exec(detail.field ?? '');
      if (!match) continue;
      add(Number(match[1]) + 1, { column: match[2], message: detail.problem ?? 'Not valid' });
    }
  }
  if (error.code === 'samples_exist' || error.code === 'duplicate_sample_ids') {
    const ids = new Set(sampleIdsOf(error.details));
    const seen = new Set<string>();
    for (const row of rows) {
      const id = row.input.sample_id;
      if (!ids.has(id)) continue;
      if (error.code === 'samples_exist')
        add(row.number, { column: 'sample_id', message: `${id} already exists` });
      else if (seen.has(id))
        add(row.number, { column: 'sample_id', message: `${id} is repeated in the paste` });
      seen.add(id);
    }
  }
  return byRow;
}
