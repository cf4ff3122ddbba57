import { AppError, ConflictError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import { isUuid } from '../shared/uuid.ts';
import { readInLabs } from '../sites/index.ts';
import type { LabelCode } from './sample-label.barcode.ts';
import { labelPng, labelSvg } from './sample-label.render.ts';
import { labelSheetPdf } from './sample-label.sheet.ts';
import { type SampleRow, samplesByKeys } from './samples.repository.ts';
import { oneSample } from './samples.service.ts';

/** One sample's label (404 for an unknown sample or another lab's: it is invisible). */
export async function sampleLabel(
  ctx: LabContext,
  caller: Principal,
  key: string,
  format: 'svg' | 'png',
  code: LabelCode,
): Promise<{ type: string; body: string | Buffer; sample: SampleRow }> {
  const sample = await oneSample(readInLabs(ctx.db, caller.lab_ids), key);
  return format === 'png'
    ? { type: 'image/png', body: labelPng(sample, code), sample }
    : { type: 'image/svg+xml; charset=utf-8', body: labelSvg(sample, code), sample };
}

/**
 * Resolves uuids and business ids to the caller's samples, in the order asked (a repeated id
 * prints twice). Ids that match nothing visible are a 404 listing them all; a business id found in
 * several of the caller's labs is a 409 (use its uuid).
 */
export async function samplesForLabels(
  ctx: LabContext,
  caller: Principal,
  keys: string[],
): Promise<SampleRow[]> {
  const uuids = [...new Set(keys.filter((key) => isUuid(key)).map((key) => key.toLowerCase()))];
  const businessIds = [...new Set(keys.filter((key) => !isUuid(key)))];
  const rows = await samplesByKeys(readInLabs(ctx.db, caller.lab_ids), uuids, businessIds);
  const missing: string[] = [];
  const ambiguous: string[] = [];
  const found: SampleRow[] = [];
  for (const key of keys) {
    const matches = isUuid(key)
      ? rows.filter((row) => row.id === key.toLowerCase())
      : rows.filter((row) => row.sample_id === key);
    const [first, ...others] = matches;
    if (first) found.push(first);
    else missing.push(key);
    if (others.length > 0) ambiguous.push(key);
  }
  if (missing.length > 0) {
    throw new AppError(404, 'samples_not_found', `No such samples: ${[...new Set(missing)].join(', ')}`, {
      details: { ids: [...new Set(missing)] },
    });
  }
  if (ambiguous.length > 0) {
    throw new ConflictError('ambiguous_sample', 'Some ids exist in several of your labs: use their uuids', {
      ids: [...new Set(ambiguous)],
    });
  }
  return found;
}

/** A PDF sheet of labels for the given samples. */
export async function labelSheet(
  ctx: LabContext,
  caller: Principal,
  keys: string[],
  code: LabelCode,
): Promise<Buffer> {
  return labelSheetPdf(await samplesForLabels(ctx, caller, keys), code);
}
