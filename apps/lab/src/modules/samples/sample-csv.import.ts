import { ForbiddenError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { freeJsonProblem, isJsonObject } from '../shared/free-json.ts';
import { fitsStoredPrecision } from '../shared/quantities.ts';
import { laterRepeats } from '../shared/repeated-keys.ts';
import { isUuid } from '../shared/uuid.ts';
import { inLabs } from '../sites/index.ts';
import { type OrganiserKind, organiserLabs } from './organisers.repository.ts';
import { createSamples, type NewSampleInput } from './sample-create.service.ts';
import { type CsvRow, type RowError, readCsv, rejection } from './sample-csv.rows.ts';
import { reservedSampleIds } from './sample-writes.ts';
import { existingSampleIds } from './samples.repository.ts';
import { businessIdPattern, maxMetadataBytes, maxSampleQuantity } from './samples.schema.ts';

const businessId = new RegExp(businessIdPattern);
const decimal = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** The columns that name a container, project or batch, which must be in the row's lab. */
const referenced = {
  container_id: { kind: 'containers', noun: 'container' },
  project_id: { kind: 'projects', noun: 'project' },
  batch_id: { kind: 'batches', noun: 'batch' },
} satisfies Partial<Record<keyof NewSampleInput, { kind: OrganiserKind; noun: string }>>;
type Reference = keyof typeof referenced;
const references = ['container_id', 'project_id', 'batch_id'] satisfies Reference[];

interface Checked {
  row: CsvRow;
  input: NewSampleInput;
  labId: string | undefined;
}

/** Checks one row's cells on their own (no database); returns the input and its problems. */
function checkRow(row: CsvRow, caller: Principal): { checked: Checked; errors: RowError[] } {
  const errors: RowError[] = [];
  const fail = (column: string, code: string, message: string) =>
    errors.push({ row: row.row, line: row.line, column, code, message });
  const cell = (column: keyof CsvRow['cells']) => row.cells[column] ?? '';

  const sampleId = cell('sample_id');
  if (sampleId === '') fail('sample_id', 'required', 'sample_id is required');
  else if (!businessId.test(sampleId)) {
    fail('sample_id', 'invalid_pattern', 'Letters, digits, dot, dash and underscore only (at most 100)');
  } else if (reservedSampleIds.includes(sampleId.toLowerCase())) {
    fail('sample_id', 'reserved_sample_id', `"${sampleId}" is reserved by the API`);
  }
  const sampleType = cell('sample_type');
  if (sampleType === '') fail('sample_type', 'required', 'sample_type is required');
  else if ([...sampleType].length > 100) fail('sample_type', 'too_long', 'At most 100 characters');
  const unit = cell('unit');
  if (unit === '') fail('unit', 'required', 'unit is required');
  else if ([...unit].length > 20) fail('unit', 'too_long', 'At most 20 characters');

  const quantityText = cell('quantity');
  const quantity = Number(quantityText);
  if (quantityText === '') fail('quantity', 'required', 'quantity is required');
  else if (!decimal.test(quantityText))
    fail('quantity', 'invalid_number', `"${quantityText}" is not a number`);
  else if (quantity < 0 || quantity > maxSampleQuantity)
    fail('quantity', 'out_of_range', 'quantity must be 0 to 10^9');
  else if (!fitsStoredPrecision(quantity))
    fail('quantity', 'quantity_precision', 'quantity may have at most 6 decimal places');

  const status = cell('status') || 'received';
  if (status !== 'received' && status !== 'in_storage') {
    fail('status', 'invalid_status', 'A new sample is received or in_storage');
  }

  const refs: Partial<Record<Reference, string>> = {};
  for (const column of references) {
    const value = cell(column);
    if (value === '') continue;
    if (isUuid(value)) refs[column] = value.toLowerCase();
    else fail(column, 'invalid_uuid', `${column} must be a uuid`);
  }

  let metadata: Record<string, unknown> | undefined;
  const metadataText = cell('metadata');
  if (metadataText !== '') {
    try {
      const parsed: unknown = JSON.parse(metadataText);
      const problem = isJsonObject(parsed)
        ? freeJsonProblem(parsed, 'metadata', maxMetadataBytes)
        : undefined;
      if (!isJsonObject(parsed)) fail('metadata', 'invalid_metadata', 'metadata must be a JSON object');
      else if (problem) fail('metadata', problem.code, problem.message);
      else if (Object.keys(parsed).some((key) => key.length > 100)) {
        fail('metadata', 'invalid_metadata', 'metadata keys are at most 100 characters');
      } else metadata = parsed;
    } catch {
      fail('metadata', 'invalid_json', 'metadata is not valid JSON');
    }
  }

  let labId: string | undefined;
  const requested = cell('lab_id');
  if (requested !== '') {
    if (!isUuid(requested)) fail('lab_id', 'invalid_uuid', 'lab_id must be a uuid');
    else if (!caller.lab_ids.includes(requested.toLowerCase())) {
      fail('lab_id', 'lab_forbidden', 'You are not a member of that lab');
    } else labId = requested.toLowerCase();
  } else if (caller.lab_ids.length === 1) labId = caller.lab_ids[0];
  else fail('lab_id', 'lab_required', 'You belong to several labs: say which (lab_id)');

  const input: NewSampleInput = {
    sample_id: sampleId,
    sample_type: sampleType,
    quantity,
    unit,
    status: status === 'in_storage' ? 'in_storage' : 'received',
    lab_id: labId,
    ...refs,
    metadata,
  };
  return { checked: { row, input, labId }, errors };
}

/** Ids repeated in the file (same lab), reported on every occurrence after the first. */
function duplicatesInFile(checked: Checked[]): RowError[] {
  const repeats = laterRepeats(checked, ({ input, labId }) =>
    labId && input.sample_id !== '' ? `${labId}/${input.sample_id}` : undefined,
  );
  return repeats.map(({ item: { row, input }, first }) => ({
    row: row.row,
    line: row.line,
    column: 'sample_id',
    code: 'duplicate_in_file',
    message: `${input.sample_id} is also on row ${first.row.row}`,
  }));
}

/** Ids that exist already, and references to containers, projects or batches not in the row's lab. */
async function databaseErrors(tx: LabExecutor, checked: Checked[]): Promise<RowError[]> {
  const errors: RowError[] = [];
  const labs = new Set(checked.flatMap(({ labId }) => (labId ? [labId] : [])));
  for (const labId of labs) {
    const rows = checked.filter((entry) => entry.labId === labId);
    const taken = new Set(
      await existingSampleIds(
        tx,
        labId,
        rows.map(({ input }) => input.sample_id),
      ),
    );
    for (const { row, input } of rows.filter(({ input }) => taken.has(input.sample_id))) {
      errors.push({
        row: row.row,
        line: row.line,
        column: 'sample_id',
        code: 'sample_exists',
        message: `${input.sample_id} already exists in that lab`,
      });
    }
  }
  for (const column of references) {
    const { kind, noun } = referenced[column];
    const ids = [...new Set(checked.flatMap(({ input }) => (input[column] ? [input[column]] : [])))];
    if (ids.length === 0) continue;
    const found = await organiserLabs(tx, kind, ids);
    const labOf = new Map(found.map((entry) => [entry.id, entry.lab_id]));
    for (const { row, input, labId } of checked) {
      const id = input[column];
      if (id && labId && labOf.get(id) !== labId) {
        errors.push({
          row: row.row,
          line: row.line,
          column,
          code: 'unknown_reference',
          message: `No ${noun} ${id} in that lab`,
        });
      }
    }
  }
  return errors;
}

/**
 * Imports a CSV of samples, all or nothing: every row is checked first (cells, repeats in the
 * file, existing ids, references), and any problem rejects the whole file with a per-row report.
 * A clean file is created in ONE transaction by the same code as bulk create (audited per sample).
 */
export async function importSamplesCsv(
  ctx: LabContext,
  caller: Principal,
  text: string,
  actor: AuditActor,
): Promise<{ imported: number }> {
  if (caller.lab_ids.length === 0) throw new ForbiddenError('no_lab', 'You are not a member of any lab');
  const { rows, errors } = readCsv(text);
  const checked: Checked[] = [];
  for (const row of rows) {
    const result = checkRow(row, caller);
    checked.push(result.checked);
    errors.push(...result.errors);
  }
  errors.push(...duplicatesInFile(checked));
  errors.push(...(await inLabs(ctx.db, caller.lab_ids, (tx) => databaseErrors(tx, checked))));
  if (errors.length > 0) throw rejection(errors);
  const created = await createSamples(
    ctx,
    caller,
    checked.map(({ input }) => input),
    actor,
  );
  return { imported: created.length };
}
