import { ApiError } from '../../api/api-error.ts';
import { type LocatedJson, parseLocated, placeOfPointer, type TextPlace } from './json-locate.ts';
import { schemaProblems } from './schema-check.ts';

/** One thing wrong with the definition being edited, where it is, and who found it. */
export interface DefinitionProblem {
  /** JSON pointer ('' for the whole document); absent for a syntax error. */
  path?: string | undefined;
  message: string;
  /** Where it is in the text (absent when the text cannot be read as JSON, e.g. YAML). */
  place?: TextPlace | undefined;
  source: 'syntax' | 'schema' | 'server';
}

export type DefinitionFormat = 'json' | 'yaml';

export interface LiveCheck {
  problems: DefinitionProblem[];
  /** The parsed document when the text is JSON that reads (problems or not). */
  json?: LocatedJson | undefined;
}

/** The live check of JSON text: its syntax, then its shape against the published schema. */
export function checkDefinitionText(text: string, schema: unknown): LiveCheck {
  const parsed = parseLocated(text);
  if (!parsed.ok) {
    return { problems: [{ message: parsed.error.message, place: parsed.error.place, source: 'syntax' }] };
  }
  const { json } = parsed;
  const problems: DefinitionProblem[] = json.duplicates.map((duplicate) => ({
    path: duplicate.path,
    message: 'is written twice in this object (only the last would count)',
    place: duplicate.place,
    source: 'syntax',
  }));
  if (schema !== undefined) {
    for (const problem of schemaProblems(schema, json.value)) {
      problems.push({ ...problem, place: placeOfPointer(json, problem.path), source: 'schema' });
    }
  }
  return { problems: sortByPlace(problems), json };
}

function sortByPlace(problems: DefinitionProblem[]): DefinitionProblem[] {
  return [...problems].sort((a, b) => (a.place?.offset ?? 0) - (b.place?.offset ?? 0));
}

interface ServerDetail {
  path: string;
  message: string;
}

const isDetail = (item: unknown): item is ServerDetail =>
  typeof item === 'object' &&
  item !== null &&
  typeof (item as ServerDetail).path === 'string' &&
  typeof (item as ServerDetail).message === 'string';

/**
 * The problems a server refusal lists (400 invalid_definition, name_mismatch: `details` with a path
 * each), placed in the current text when it is JSON; undefined for any other error.
 */
export function serverProblems(
  error: unknown,
  text: string,
  format: DefinitionFormat,
): DefinitionProblem[] | undefined {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return undefined;
  const details = error.details.filter(isDetail);
  if (details.length === 0) return undefined;
  const parsed = format === 'json' ? parseLocated(text) : undefined;
  const json = parsed?.ok ? parsed.json : undefined;
  return sortByPlace(
    details.map((detail) => ({
      path: detail.path,
      message: detail.message,
      place: json ? placeOfPointer(json, detail.path) : undefined,
      source: 'server',
    })),
  );
}

/** The request body part carrying a definition: JSON as a document, YAML as text for the server to read. */
export function definitionPayload(
  text: string,
  format: DefinitionFormat,
): { definition: Record<string, unknown> } | { definition_yaml: string } {
  if (format === 'yaml') return { definition_yaml: text };
  const parsed = parseLocated(text);
  if (!parsed.ok) {
    throw new ApiError(
      400,
      'invalid_json',
      `The definition is not valid JSON (line ${parsed.error.place.line}, column ${parsed.error.place.column}): ${parsed.error.message}`,
    );
  }
  const value = parsed.json.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'invalid_json', 'A definition is a JSON object: { "name": ..., "steps": [...] }');
  }
  return { definition: value as Record<string, unknown> };
}
