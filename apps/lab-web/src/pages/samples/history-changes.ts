/** One field an audit entry changed, as text for people. */
export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

const show = (value: unknown): string => {
  if (value === undefined || value === null || value === '') return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
};

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

const empty = (value: unknown) =>
  value === null ||
  value === undefined ||
  value === '' ||
  (typeof value === 'object' && Object.keys(value as object).length === 0);

/**
 * The fields an entry's before and after differ in; a creation (nothing before) lists what the
 * sample was created with, leaving out the fields it was created without.
 */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const was = record(before);
  const is = record(after);
  const fields = [...new Set([...Object.keys(was), ...Object.keys(is)])];
  return fields
    .filter((field) => !['id', 'lab_id'].includes(field))
    .filter((field) => before !== null || !empty(is[field]))
    .filter((field) => JSON.stringify(was[field]) !== JSON.stringify(is[field]))
    .map((field) => ({ field, before: show(was[field]), after: show(is[field]) }));
}
