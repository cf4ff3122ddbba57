/**
 * The before/after of the fields that really changed (compared as JSON), for an audit entry; undefined
 * when nothing did, so a no-op update writes no entry.
 */
export function changedFields<T extends object>(before: T, after: T, fields: (keyof T)[]) {
  const changed = fields.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
  if (changed.length === 0) return undefined;
  return {
    before: Object.fromEntries(changed.map((field) => [field, before[field]])),
    after: Object.fromEntries(changed.map((field) => [field, after[field]])),
  };
}
