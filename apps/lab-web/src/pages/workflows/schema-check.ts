/**
 * A small interpreter of the part of JSON Schema (2020-12) that the published workflow definition
 * schema (GET /api/workflows/schema) uses, so the editor checks a definition as it is typed without
 * a validator dependency or a round trip. The server stays the authority: it checks the whole
 * document again (and far more: roles, actions, argument ranges, expressions) on every save.
 *
 * A problem is reported the way the server reports it: a JSON pointer and a message; a missing
 * field at the field's own path, a field that does not belong at its path. A value that matches no
 * branch of an `anyOf`/`oneOf` is reported against the branch it was meant for (a step against the
 * schema of its own `type`), not against every branch it is not (schema-alternatives.ts).
 */
import { alternativeProblems, type SchemaContext } from './schema-alternatives.ts';
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

export type { SchemaProblem } from './schema-values.ts';
export { unsupportedKeywords } from './schema-values.ts';

/** Every problem of `value` against `schema` (a whole JSON Schema document), or none. */
export function schemaProblems(schema: unknown, value: unknown): SchemaProblem[] {
  if (!isSchema(schema)) return [];
  return new Checker(schema).check(schema, value, '');
}

class Checker implements SchemaContext {
  private readonly root: Schema;
  private readonly byId = new Map<string, Schema>();
  private readonly patterns = new Map<string, RegExp | null>();

  constructor(root: Schema) {
    this.root = root;
    this.index(root);
  }

  /** Records every subschema that names itself ($id), which bare references point at. */
  private index(node: unknown): void {
    if (Array.isArray(node)) {
      for (const item of node) this.index(item);
      return;
    }
    if (!isObject(node)) return;
    if (typeof node.$id === 'string') this.byId.set(node.$id.replace(/#$/, ''), node);
    for (const value of Object.values(node)) this.index(value);
  }

  resolve(ref: string): Schema | undefined {
    if (ref.startsWith('#')) {
      let node: unknown = this.root;
      for (const part of ref.slice(1).split('/').filter(Boolean)) {
        const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
        node = isObject(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
      }
      return isSchema(node) ? node : undefined;
    }
    return this.byId.get(ref.replace(/#$/, ''));
  }

  private regex(pattern: string): RegExp | null {
    if (!this.patterns.has(pattern)) {
      let compiled: RegExp | null = null;
      try {
        compiled = new RegExp(pattern, 'u');
      } catch {
        compiled = null;
      }
      this.patterns.set(pattern, compiled);
    }
    return this.patterns.get(pattern) ?? null;
  }

  check(schema: Schema, value: unknown, path: string): SchemaProblem[] {
    if (schema === true) return [];
    if (schema === false) return [{ path, message: 'is not allowed here' }];
    const problems: SchemaProblem[] = [];
    const add = (message: string, at = path) => problems.push({ path: at, message });

    if (typeof schema.$ref === 'string') {
      const target = this.resolve(schema.$ref);
      if (target !== undefined) problems.push(...this.check(target, value, path));
    }
    if (Array.isArray(schema.allOf)) {
      for (const part of schema.allOf) if (isSchema(part)) problems.push(...this.check(part, value, path));
    }
    if (Array.isArray(schema.anyOf))
      problems.push(...alternativeProblems(this, schema.anyOf, value, path, false));
    if (Array.isArray(schema.oneOf))
      problems.push(...alternativeProblems(this, schema.oneOf, value, path, true));
    if (isSchema(schema.not)) {
      if (this.check(schema.not, value, path).length === 0) add('is not allowed here');
    }

    const types =
      typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : [];
    if (types.length > 0 && !types.some((type) => typeMatches(String(type), value))) {
      // A value of the wrong type: its other constraints would only repeat this.
      add(`must be ${joinOr(types.map((type) => describeType(String(type))))}`);
      return problems;
    }
    if ('const' in schema && !equal(schema.const, value)) add(`must be ${show(schema.const)}`);
    if (Array.isArray(schema.enum) && !schema.enum.some((option) => equal(option, value))) {
      add(`must be one of ${schema.enum.map(show).join(', ')}`);
    }

    if (typeof value === 'string') this.checkString(schema, value, add);
    if (typeof value === 'number') this.checkNumber(schema, value, add);
    if (Array.isArray(value)) problems.push(...this.checkArray(schema, value, path, add));
    if (isObject(value)) problems.push(...this.checkObject(schema, value, path, add));
    return problems;
  }

  private checkString(schema: SchemaObject, value: string, add: (message: string) => void): void {
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) {
      add(schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`);
    }
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
      add(`must be at most ${schema.maxLength} characters`);
    }
    if (typeof schema.pattern === 'string') {
      const regex = this.regex(schema.pattern);
      if (regex && !regex.test(value)) add(`must match the pattern ${schema.pattern}`);
    }
  }

  private checkNumber(schema: SchemaObject, value: number, add: (message: string) => void): void {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      add(`must be at least ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      add(`must be at most ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) {
      add(`must be above ${schema.exclusiveMinimum}`);
    }
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) {
      add(`must be below ${schema.exclusiveMaximum}`);
    }
    if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0) {
      const ratio = value / schema.multipleOf;
      if (Math.abs(ratio - Math.round(ratio)) > 1e-9) add(`must be a multiple of ${schema.multipleOf}`);
    }
  }

  private checkArray(
    schema: SchemaObject,
    value: unknown[],
    path: string,
    add: (message: string) => void,
  ): SchemaProblem[] {
    const problems: SchemaProblem[] = [];
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      add(
        schema.minItems === 1 ? 'must have at least one item' : `must have at least ${schema.minItems} items`,
      );
    }
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
      add(`must have at most ${schema.maxItems} items`);
    }
    if (schema.uniqueItems === true) {
      value.forEach((item, index) => {
        if (value.slice(0, index).some((earlier) => equal(earlier, item))) add('repeats an earlier item');
      });
    }
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
    value.forEach((item, index) => {
      const itemSchema = index < prefix.length ? prefix[index] : schema.items;
      if (isSchema(itemSchema)) {
        problems.push(...this.check(itemSchema, item, pointer(path, index)));
      }
    });
    return problems;
  }

  private checkObject(
    schema: SchemaObject,
    value: SchemaObject,
    path: string,
    add: (message: string, at?: string) => void,
  ): SchemaProblem[] {
    const problems: SchemaProblem[] = [];
    const keys = Object.keys(value);
    if (Array.isArray(schema.required)) {
      for (const name of schema.required) {
        if (typeof name === 'string' && !(name in value)) add('is required', pointer(path, name));
      }
    }
    if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties) {
      add(`must have at least ${schema.minProperties} fields`);
    }
    if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties) {
      add(`must have at most ${schema.maxProperties} fields`);
    }
    const properties = isObject(schema.properties) ? schema.properties : {};
    const patternProperties = isObject(schema.patternProperties) ? schema.patternProperties : {};
    for (const key of keys) {
      const at = pointer(path, key);
      let matched = false;
      const own = properties[key];
      if (Object.hasOwn(properties, key) && isSchema(own)) {
        matched = true;
        problems.push(...this.check(own, value[key], at));
      }
      for (const [pattern, sub] of Object.entries(patternProperties)) {
        const regex = this.regex(pattern);
        if (regex?.test(key) && isSchema(sub)) {
          matched = true;
          problems.push(...this.check(sub, value[key], at));
        }
      }
      if (!matched && schema.additionalProperties !== undefined) {
        if (schema.additionalProperties === false) add('is not a field of this object', at);
        else if (isObject(schema.additionalProperties)) {
          problems.push(...this.check(schema.additionalProperties, value[key], at));
        }
      }
    }
    return problems;
  }
}
