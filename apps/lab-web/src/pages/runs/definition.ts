/**
 * What the run pages read from a workflow definition. The API types a version's `definition` as a
 * free JSON object (its JSON Schema is served at GET /api/workflows/schema), so this reads the few
 * parts the pages need defensively: parameters, device roles with their kinds, and the steps.
 */

export type ParameterType = 'number' | 'integer' | 'string' | 'boolean' | 'enum';

export interface ParameterSpec {
  name: string;
  type: ParameterType;
  unit?: string | undefined;
  minimum?: number | undefined;
  maximum?: number | undefined;
  default?: unknown;
  description?: string | undefined;
  values?: string[] | undefined;
}

export interface RoleSpec {
  role: string;
  kind: string;
  description?: string | undefined;
}

/** A step flattened from the definition's tree, with its JSON path (what run events name). */
export interface StepSpec {
  id: string;
  type: string;
  path: string;
  depth: number;
  role?: string | undefined;
  action?: string | undefined;
  approverRole?: string | undefined;
  meaning?: string | undefined;
  instructions?: string | undefined;
}

export interface DefinitionView {
  description?: string | undefined;
  parameters: ParameterSpec[];
  roles: RoleSpec[];
  steps: StepSpec[];
  onAbort: StepSpec[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const parameterTypes: readonly ParameterType[] = ['number', 'integer', 'string', 'boolean', 'enum'];

function parametersOf(value: unknown): ParameterSpec[] {
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([name, spec]) => {
    if (!isObject(spec)) return [];
    const type = parameterTypes.find((known) => known === spec.type);
    if (!type) return [];
    return [
      {
        name,
        type,
        unit: text(spec.unit),
        minimum: num(spec.minimum),
        maximum: num(spec.maximum),
        default: spec.default,
        description: text(spec.description),
        values: Array.isArray(spec.values) ? spec.values.map(String) : undefined,
      },
    ];
  });
}

function rolesOf(value: unknown): RoleSpec[] {
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([role, spec]) =>
    isObject(spec) && typeof spec.kind === 'string'
      ? [{ role, kind: spec.kind, description: text(spec.description) }]
      : [],
  );
}

/** Flattens a list of steps depth first, with the paths the engine gives them (/steps/3/steps/0). */
function stepsOf(value: unknown, path: string, depth: number): StepSpec[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((step, index) => {
    if (!isObject(step)) return [];
    const here = `${path}/${index}`;
    const spec: StepSpec = {
      id: text(step.id) ?? `step ${index + 1}`,
      type: text(step.type) ?? 'unknown',
      path: here,
      depth,
      role: text(step.role),
      action: text(step.action),
      approverRole: text(step.approver_role),
      meaning: text(step.meaning),
      instructions: text(step.instructions),
    };
    return [
      spec,
      ...stepsOf(step.steps, `${here}/steps`, depth + 1),
      ...stepsOf(step.then, `${here}/then`, depth + 1),
      ...stepsOf(step.else, `${here}/else`, depth + 1),
    ];
  });
}

export function readDefinition(definition: unknown): DefinitionView {
  const def = isObject(definition) ? definition : {};
  return {
    description: text(def.description),
    parameters: parametersOf(def.parameters),
    roles: rolesOf(def.devices),
    steps: stepsOf(def.steps, '/steps', 0),
    onAbort: stepsOf(def.on_abort, '/on_abort', 0),
  };
}

/** The step a JSON path points into (a failed step's path may name one of its arguments). */
export function stepAtPath(
  steps: readonly StepSpec[],
  path: string | null | undefined,
): StepSpec | undefined {
  if (!path) return undefined;
  let best: StepSpec | undefined;
  for (const step of steps) {
    if (
      (path === step.path || path.startsWith(`${step.path}/`)) &&
      step.path.length > (best?.path.length ?? 0)
    )
      best = step;
  }
  return best;
}
