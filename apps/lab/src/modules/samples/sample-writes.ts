import { ConflictError, ValidationError } from '@ours/platform/errors';
import { isForeignKeyViolation, isUniqueViolation } from '../shared/db-errors.ts';
import type { SampleRow } from './samples.repository.ts';

/** Words the sample routes use after `/api/samples/`, so they can never be a sample's id. */
export const reservedSampleIds = ['projects', 'batches', 'containers', 'bulk', 'import', 'export', 'labels'];

/** Refuses a business id the routes use as a word (create, split and CSV import alike). */
export function refuseReservedSampleId(sampleId: string): void {
  if (reservedSampleIds.includes(sampleId.toLowerCase())) {
    throw new ValidationError('reserved_sample_id', `"${sampleId}" is reserved by the API`);
  }
}

/** Refuses a request that names the same new sample more than once (409 listing them). */
export function refuseRepeatedSampleIds(repeated: string[]): void {
  if (repeated.length > 0) {
    throw new ConflictError('duplicate_sample_ids', `Repeated in the request: ${repeated.join(', ')}`, {
      sample_ids: repeated,
    });
  }
}

/** Refuses a request whose new samples' ids are taken in their lab (409 listing every one). */
export function refuseTakenSampleIds(taken: string[]): void {
  if (taken.length > 0) {
    throw new ConflictError('samples_exist', `Already exist: ${taken.join(', ')}`, { sample_ids: taken });
  }
}

/** Maps reference and uniqueness failures from the database to 4xx answers. */
export function explainWriteError(error: unknown): never {
  if (isUniqueViolation(error))
    throw new ConflictError('sample_exists', 'A sample with that id already exists');
  if (isForeignKeyViolation(error)) {
    throw new ValidationError(
      'unknown_reference',
      'A container, project or batch does not exist in that lab',
    );
  }
  throw error;
}

/** What the trail keeps of a sample (no timestamps: the entry has its own). */
export function auditView(sample: SampleRow) {
  const { created_at: _c, updated_at: _u, deleted_at: _d, created_by: _b, ...rest } = sample;
  return rest;
}
