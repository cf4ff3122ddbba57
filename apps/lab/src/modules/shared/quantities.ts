import { ValidationError } from '@ours/platform/errors';

/** Whether numeric(20,6) stores this number exactly (finite, at most 6 decimal places). */
export function fitsStoredPrecision(value: number): boolean {
  return Number.isFinite(value) && Number(value.toFixed(6)) === value;
}

/**
 * Quantities are stored as numeric(20,6): a value with more decimals would be rounded by the
 * database (1e-7 to zero), so it is refused instead of silently changed.
 */
export function checkAmount(value: number, field = 'quantity'): number {
  if (!fitsStoredPrecision(value)) {
    throw new ValidationError('quantity_precision', `${field} may have at most 6 decimal places`, { field });
  }
  return value;
}

/** A YYYY-MM-DD that names a real day (the schema checks only the shape). */
export function checkDay(value: string, field: string): string {
  const parsed = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw new ValidationError('invalid_date', `${field} is not a calendar date`, { field });
  }
  return value;
}
