import { ValidationError } from '@ours/platform/errors';
import { parse as parseYaml } from 'yaml';
import { isJsonObject } from '../shared/free-json.ts';
import { type ValidationContext, validateDefinition } from './definition-validator.ts';

/** A definition as a request carries it: the JSON document, or the same document as YAML text. */
export interface DefinitionInput {
  definition?: Record<string, unknown> | undefined;
  definition_yaml?: string | undefined;
}

/** The document a request sent, parsed from YAML when it came that way (400 when neither or both). */
function documentOf(input: DefinitionInput): unknown {
  if ((input.definition === undefined) === (input.definition_yaml === undefined)) {
    throw new ValidationError(
      'definition_required',
      'Send the definition as definition (JSON) or definition_yaml, one of them',
    );
  }
  if (input.definition !== undefined) return input.definition;
  try {
    // YAML 1.2 core schema: no custom tags, no timestamps; aliases are capped by the library.
    return parseYaml(input.definition_yaml ?? '', { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    throw new ValidationError(
      'invalid_yaml',
      `definition_yaml is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * The checked definition of a request, or a 400 `invalid_definition` listing every problem with its
 * JSON path in `details` (see validateDefinition).
 */
export function checkedDefinition(
  input: DefinitionInput,
  context: ValidationContext,
): Record<string, unknown> {
  const document = documentOf(input);
  const problems = validateDefinition(document, context);
  if (problems.length > 0 || !isJsonObject(document)) {
    throw new ValidationError(
      'invalid_definition',
      `The workflow definition has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems[0]?.path || '/'} ${problems[0]?.message ?? ''}`.trim(),
      problems,
    );
  }
  return document;
}
