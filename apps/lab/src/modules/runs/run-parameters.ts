import { ValidationError } from '@ours/platform/errors';
import { isJsonObject } from '../shared/free-json.ts';
import { parameterValueProblem, type RunValue } from '../workflows/index.ts';

type Json = Record<string, unknown>;

/**
 * A run's parameters: every declared one, from the request or its default, each checked against its
 * type and range; unknown names and missing values are refused. 400 `invalid_parameters` lists every
 * problem.
 */
export function runParameters(definition: Json, given: Json): Record<string, RunValue> {
  const declared = isJsonObject(definition.parameters) ? definition.parameters : {};
  const problems: { path: string; code: string; message: string }[] = [];
  const values: Record<string, RunValue> = {};
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(declared, name)) {
      problems.push({
        path: `/parameters/${name}`,
        code: 'unknown_parameter',
        message: `the workflow has no parameter ${name}`,
      });
    }
  }
  for (const [name, spec] of Object.entries(declared)) {
    if (!isJsonObject(spec)) continue;
    const value = given[name] ?? spec.default;
    if (value === undefined) {
      problems.push({
        path: `/parameters/${name}`,
        code: 'missing_parameter',
        message: `${name} has no default: give a value`,
      });
      continue;
    }
    const problem = parameterValueProblem(spec, value);
    if (problem || !(typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string')) {
      problems.push({
        path: `/parameters/${name}`,
        code: 'invalid_parameter',
        message: `${name} ${problem ?? 'is not a value'}`,
      });
      continue;
    }
    values[name] = value;
  }
  if (problems.length > 0) {
    throw new ValidationError(
      'invalid_parameters',
      `The run's parameters have ${problems.length} problem(s): ${problems[0]?.message}`,
      problems,
    );
  }
  return values;
}
