import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// @NOTE ajv-formats is CommonJS; its default export arrives wrapped under Node's ESM loader.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

// RFC 3339 as PostgreSQL accepts it: years 1000-9999 and offsets up to 15:59.
const databaseDateTime =
  /^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-](0\d|1[0-5]):[0-5]\d)$/i;

/** Whether the YYYY-MM-DD at the start exists: `Date.parse` rolls 2025-02-30 over to 2 March. */
function namesRealDay(value: string): boolean {
  const [year = 0, month = 0, day = 0] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `date-time` values that the database can store, so a valid request never fails later. */
function withDatabaseDates(ajv: Ajv): Ajv {
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (value: string) => databaseDateTime.test(value) && namesRealDay(value),
  });
  return ajv;
}

const shared: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false };

/**
 * JSON bodies are validated exactly as sent (no type coercion, unknown fields refused), while
 * query strings and path params, which are always text, are coerced to the declared types.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strictAjv = withDatabaseDates(addFormats(new Ajv({ ...shared, coerceTypes: false })));
  const coercingAjv = withDatabaseDates(addFormats(new Ajv({ ...shared, coerceTypes: 'array' })));
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
    // Fastify types a route schema as unknown; every schema here is a TypeBox object, which Ajv compiles.
    return ajv.compile(schema as object);
  };
}
