/**
 * RFC 8785 (JSON Canonicalization Scheme) text of a JSON value: object keys sorted by UTF-16 code
 * units, ECMAScript number and string serialisation, no whitespace. The one canonicaliser of the
 * lab: audit entries are hashed over it and signed manifests are signed over it, so any other JCS
 * implementation recomputes the same bytes.
 *
 * Like `JSON.stringify`, a value's `toJSON` is used (dates become ISO text) and undefined object
 * members are left out. Unlike it, what JCS cannot express is an error rather than silently changed:
 * non-finite numbers, lone UTF-16 surrogates, functions, symbols, bigints, cycles (by depth).
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, '', 0);
}

const maxDepth = 64;

/**
 * `canonicalJson` of a plain object (no `toJSON`) whose own keys are exactly `sortedKeys`, given in
 * RFC 8785 order: the same text without listing and sorting the keys each time (the audit entry's
 * fixed shape, hashed for every entry appended and verified).
 */
export function canonicalObject(
  value: Readonly<Record<string, unknown>>,
  sortedKeys: readonly string[],
): string {
  let text = '{';
  for (const name of sortedKeys) {
    const member = value[name];
    if (member === undefined) continue;
    text += `${text.length === 1 ? '' : ','}${JSON.stringify(name)}:${serialise(member, name, 1)}`;
  }
  return `${text}}`;
}

function serialise(input: unknown, key: string, depth: number): string {
  const value = hasToJson(input) ? input.toJSON(key) : input;
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw new CanonicalJsonError('a string holds a lone UTF-16 surrogate');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth >= maxDepth) throw new CanonicalJsonError(`nested deeper than ${maxDepth} levels`);
      if (Array.isArray(value)) {
        // As JSON.stringify: an array slot that holds undefined (or a function) is null.
        return `[${value.map((item, index) => (item === undefined ? 'null' : serialise(item, String(index), depth + 1))).join(',')}]`;
      }
      // The default sort compares UTF-16 code units, which is the order RFC 8785 asks for.
      let text = '{';
      for (const name of Object.keys(value).sort()) {
        const member: unknown = Reflect.get(value, name);
        if (member === undefined) continue;
        if (!name.isWellFormed()) throw new CanonicalJsonError('a key holds a lone UTF-16 surrogate');
        text += `${text.length === 1 ? '' : ','}${JSON.stringify(name)}:${serialise(member, name, depth + 1)}`;
      }
      return `${text}}`;
    }
    default:
      throw new CanonicalJsonError(`a ${typeof value} is not JSON`);
  }
}

function hasToJson(value: unknown): value is { toJSON(key: string): unknown } {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'toJSON') === 'function';
}

/** What the canonicaliser refuses; a caller's bug, never user input (validation refuses that first). */
export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError';
}
