import {
  describeType,
  equal,
  isObject,
  isSchema,
  joinOr,
  pointer,
  type Schema,
  type SchemaObject,
  type SchemaProblem,
  show,
  typeMatches,
} from './schema-values.ts';

/** What the choice between branches needs of the interpreter: checking a value, following a $ref. */
export interface SchemaContext {
  check(schema: Schema, value: unknown, path: string): SchemaProblem[];
  resolve(ref: string): Schema | undefined;
}

/** A branch as written, or the schema its $ref names. */
function target(context: SchemaContext, branch: Schema): SchemaObject | undefined {
  if (!isObject(branch)) return undefined;
  if (typeof branch.$ref === 'string') {
    const resolved = context.resolve(branch.$ref);
    return isObject(resolved) ? resolved : undefined;
  }
  return branch;
}

/** The JSON types a branch accepts (undefined when it says nothing about its type). */
function typesOf(context: SchemaContext, branch: Schema): string[] | undefined {
  const schema = target(context, branch);
  if (!schema) return undefined;
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.map(String);
  const nested = Array.isArray(schema.anyOf)
    ? schema.anyOf
    : Array.isArray(schema.oneOf)
      ? schema.oneOf
      : null;
  if (nested) {
    const types = nested.filter(isSchema).map((item) => typesOf(context, item));
    return types.some((item) => item === undefined) ? undefined : [...new Set(types.flat() as string[])];
  }
  return undefined;
}

function constOf(context: SchemaContext, branch: Schema, property: string): unknown {
  const schema = target(context, branch);
  const properties = schema && isObject(schema.properties) ? schema.properties : undefined;
  const field = properties?.[property];
  return isObject(field) ? field.const : undefined;
}

/** A property every (object) branch fixes to a constant of its own, like a step's `type`. */
function discriminator(context: SchemaContext, branches: Schema[]): string | undefined {
  const first = branches[0] === undefined ? undefined : target(context, branches[0]);
  if (!first || !isObject(first.properties) || branches.length < 2) return undefined;
  return Object.keys(first.properties).find((property) => {
    const values = branches.map((branch) => constOf(context, branch, property));
    return (
      values.every((item) => item !== undefined) &&
      new Set(values.map((item) => JSON.stringify(item))).size === values.length
    );
  });
}

/**
 * The problems of a value against `anyOf` / `oneOf` branches. When no branch fits, they are those of
 * the branch the value was meant for: the one its discriminating field names (a step's `type`),
 * else the only branch of its JSON type; otherwise one summary of what would do.
 */
export function alternativeProblems(
  context: SchemaContext,
  branches: unknown[],
  value: unknown,
  path: string,
  exactlyOne: boolean,
): SchemaProblem[] {
  const schemas = branches.filter(isSchema);
  const results = schemas.map((branch) => context.check(branch, value, path));
  const passing = results.filter((problems) => problems.length === 0).length;
  if (passing === 1 || (passing > 1 && !exactlyOne)) return [];
  if (passing > 1) return [{ path, message: 'matches more than one of the allowed forms' }];

  const key = discriminator(context, schemas);
  if (key && isObject(value)) {
    const index = schemas.findIndex((branch) => equal(constOf(context, branch, key), value[key]));
    if (index >= 0) return results[index] ?? [];
    const options = schemas.map((branch) => show(constOf(context, branch, key))).join(', ');
    return [
      {
        path: pointer(path, key),
        message: key in value ? `must be one of ${options}` : `is required (one of ${options})`,
      },
    ];
  }
  const consts = schemas.map((branch) => (isObject(branch) && 'const' in branch ? branch.const : undefined));
  if (consts.every((option) => option !== undefined)) {
    return [{ path, message: `must be one of ${consts.map(show).join(', ')}` }];
  }
  const fitting = schemas
    .map((branch, index) => ({ types: typesOf(context, branch), problems: results[index] ?? [] }))
    .filter(({ types }) => types === undefined || types.some((type) => typeMatches(type, value)));
  if (fitting.length === 1) return fitting[0]?.problems ?? [];
  const allTypes = new Set(schemas.flatMap((branch) => typesOf(context, branch) ?? []));
  if (fitting.length === 0 && allTypes.size > 0) {
    return [{ path, message: `must be ${joinOr([...allTypes].map(describeType))}` }];
  }
  if (fitting.length === 0) return [{ path, message: 'is not allowed here' }];
  // Several branches of the value's type, none fitting: the least wrong one says the most.
  const closest = fitting.reduce((best, next) => (next.problems.length < best.problems.length ? next : best));
  return closest.problems;
}
