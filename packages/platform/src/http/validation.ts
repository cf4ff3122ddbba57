import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// @NOTE ajv-formats is CommonJS; its default export arrives wrapped under Node's ESM loader.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const shared: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false };

/**
 * JSON bodies are validated exactly as sent (no type coercion, unknown fields refused), while
 * query strings and path params, which are always text, are coerced to the declared types.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strictAjv = addFormats(new Ajv({ ...shared, coerceTypes: false }));
  const coercingAjv = addFormats(new Ajv({ ...shared, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
    return ajv.compile(schema as object);
  };
}
