/** The JSON values and schema vocabulary the schema interpreter (schema-check.ts) works with. */

export interface SchemaProblem {
  /** JSON pointer of the value at fault ('' for the whole document). */
  path: string;
  message: string;
}

export type Schema = boolean | { [keyword: string]: unknown };
export type SchemaObject = { [keyword: string]: unknown };

/** The keywords this interpreter understands; others in a schema would be silently skipped. */
const validationKeywords = new Set([
  'type',
  'const',
  'enum',
  'required',
  'properties',
  'patternProperties',
  'additionalProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minProperties',
  'maxProperties',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  '$ref',
]);
/** Keywords that only describe or organise, never constrain. */
const annotationKeywords = new Set([
  '$schema',
  '$id',
  '$defs',
  'definitions',
  '$comment',
  'title',
  'description',
  'default',
  'examples',
  'format',
  'readOnly',
  'writeOnly',
  'deprecated',
]);

export const isObject = (value: unknown): value is SchemaObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A schema or a boolean schema, as a keyword's value may hold one. */
export const isSchema = (value: unknown): value is Schema => isObject(value) || typeof value === 'boolean';

export const pointer = (path: string, key: string | number) =>
  `${path}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;

/**
 * The keywords a schema uses that this interpreter does not understand (none for the published
 * schema today): the editor says live checking is partial when there are any.
 */
export function unsupportedKeywords(schema: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown, inMap: boolean) => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, false);
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      // The members of properties/patternProperties/$defs are names, not keywords.
      if (inMap) visit(value, false);
      else {
        if (!validationKeywords.has(key) && !annotationKeywords.has(key)) found.add(key);
        visit(value, ['properties', 'patternProperties', '$defs', 'definitions'].includes(key));
      }
    }
  };
  visit(schema, false);
  return [...found].sort();
}

/** What kind of JSON value this is, in JSON Schema's words. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function typeMatches(type: string, value: unknown): boolean {
  const actual = jsonType(value);
  return type === actual || (type === 'number' && actual === 'integer');
}

export function describeType(type: string): string {
  if (type === 'integer') return 'a whole number';
  if (type === 'object') return 'an object';
  if (type === 'array') return 'a list';
  if (type === 'null') return 'null';
  if (type === 'string') return 'text';
  return `a ${type}`;
}

export const joinOr = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

export const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Deep equality of JSON values (for const, enum, uniqueItems). */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && equal(a[key], b[key]));
  }
  return false;
}
