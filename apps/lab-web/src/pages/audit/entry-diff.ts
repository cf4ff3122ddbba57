/** One field of an audit entry's change, as a reviewer reads it. */
export interface FieldChange {
  /** The field's path ("quantity", "metadata.colour"). */
  field: string;
  kind: 'added' | 'removed' | 'changed' | 'unchanged';
  before: string | undefined;
  after: string | undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An entry's `before`/`after` as flat fields: nested objects (a sample's metadata) become dotted paths
 * so each changed value shows on its own row; arrays and scalars stay whole.
 */
function flatten(value: unknown, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (!isPlainObject(value)) {
    if (prefix) into.set(prefix, value);
    else if (value !== null && value !== undefined) into.set('(value)', value);
    return into;
  }
  const keys = Object.keys(value);
  if (keys.length === 0 && prefix) into.set(prefix, value);
  for (const key of keys) flatten(value[key], prefix ? `${prefix}.${key}` : key, into);
  return into;
}

/** A value as text a person reads: strings bare, everything else as compact JSON. */
export function displayValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * The fields an entry changed, in a stable order: a field only after is "added", only before is
 * "removed", in both with different values "changed". The trail stores changed fields only for
 * updates, so "unchanged" rows are rare (identity fields kept for context).
 */
export function entryDiff(before: unknown, after: unknown): FieldChange[] {
  const old = flatten(before);
  const now = flatten(after);
  // An empty object on one side that gained (or lost) fields on the other is those fields' change.
  for (const [side, other] of [
    [old, now],
    [now, old],
  ] as const) {
    for (const [field, value] of side) {
      const nested = [...other.keys()].some((key) => key.startsWith(`${field}.`));
      if (nested && isPlainObject(value) && Object.keys(value).length === 0) side.delete(field);
    }
  }
  const fields = [...new Set([...old.keys(), ...now.keys()])].sort((a, b) => a.localeCompare(b));
  return fields.map((field) => {
    const hadBefore = old.has(field);
    const hasAfter = now.has(field);
    const beforeText = hadBefore ? displayValue(old.get(field)) : undefined;
    const afterText = hasAfter ? displayValue(now.get(field)) : undefined;
    const kind = !hadBefore
      ? 'added'
      : !hasAfter
        ? 'removed'
        : beforeText === afterText
          ? 'unchanged'
          : 'changed';
    return { field, kind, before: beforeText, after: afterText };
  });
}
