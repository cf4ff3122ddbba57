import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { type ArgumentSpec, instrumentKind } from '../instruments/index.ts';
import { isJsonObject } from '../shared/free-json.ts';
import { type CelKind, celKindOf, checkExpression, type ExpressionScope } from './expression-check.ts';
import { DefinitionHeader, stepSchemas, stepTypeNames } from './workflow-definition.schema.ts';

/** One thing wrong with a definition, where it is (a JSON pointer) and what to do about it. */
export interface DefinitionProblem {
  path: string;
  code: string;
  message: string;
}

export interface ValidationContext {
  /** The lab's role names, which approval steps must name (unchecked when absent). */
  roles?: readonly string[];
}

type Outputs = Readonly<Record<string, CelKind>> | 'any';
type Visible = Readonly<Record<string, Outputs>>;
type Json = Record<string, unknown>;

const ajv = new Ajv({ allErrors: true, strict: false });
const checkHeader = ajv.compile(DefinitionHeader);
const checkStep = new Map<string, ValidateFunction>(
  Object.entries(stepSchemas).map(([type, schema]) => [type, ajv.compile(schema)]),
);

const pointer = (path: string, key: string | number) =>
  `${path}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;

/**
 * Every problem with a workflow definition, each with its JSON path, or none: the document's shape,
 * unique step ids, references to steps, parameters and device roles, expressions type-checked at
 * their place (a step's results are readable only where that step has surely run), every loop
 * bounded, and each instrument step's action and literal arguments against its role's kind.
 */
export function validateDefinition(document: unknown, context: ValidationContext = {}): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  if (!isJsonObject(document))
    return [{ path: '', code: 'invalid_definition', message: 'A definition is a JSON object' }];
  if (!checkHeader(document)) problems.push(...schemaProblems('', checkHeader.errors));
  // GET /api/workflows/schema is the format itself: no workflow may take its name.
  if (document.name === 'schema') {
    problems.push({
      path: '/name',
      code: 'reserved_name',
      message: 'schema is reserved: choose another name',
    });
  }
  const steps = new StepWalker(document, context, problems);
  steps.collectIds(document.steps, '/steps');
  steps.collectIds(document.on_abort, '/on_abort');
  if (problems.length > 0) return problems;
  steps.checkList(document.steps, '/steps', {});
  // An abort can come at any point, so its steps see parameters but no step results.
  steps.checkList(document.on_abort, '/on_abort', {});
  return problems;
}

function schemaProblems(base: string, errors: ErrorObject[] | null | undefined): DefinitionProblem[] {
  return (errors ?? []).map((error) => {
    const missing = error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : '';
    const extra =
      error.keyword === 'additionalProperties' ? `/${String(error.params.additionalProperty)}` : '';
    const path = `${base}${error.instancePath}${missing}${extra}`;
    const message =
      error.keyword === 'additionalProperties'
        ? 'is not a field of this object'
        : (error.message ?? 'is not valid');
    return { path, code: 'schema', message };
  });
}

class StepWalker {
  private readonly ids = new Map<string, string>();
  private readonly params: Record<string, CelKind>;
  private readonly roles: Json;
  private readonly context: ValidationContext;
  private readonly problems: DefinitionProblem[];

  constructor(document: Json, context: ValidationContext, problems: DefinitionProblem[]) {
    this.context = context;
    this.problems = problems;
    this.roles = isJsonObject(document.devices) ? document.devices : {};
    const parameters = isJsonObject(document.parameters) ? document.parameters : {};
    this.params = {};
    for (const [name, spec] of Object.entries(parameters)) {
      if (!isJsonObject(spec) || typeof spec.type !== 'string') continue;
      this.params[name] = parameterKind(spec.type);
      this.checkParameter(name, spec);
    }
  }

  private problem(path: string, code: string, message: string) {
    this.problems.push({ path, code, message });
  }

  /** Shapes each step by its own type's schema and records its id (unique across the definition). */
  collectIds(list: unknown, path: string): void {
    if (!Array.isArray(list)) return;
    for (const [index, step] of list.entries()) this.collectStep(step, pointer(path, index));
  }

  private collectStep(step: unknown, at: string): void {
    if (!isJsonObject(step)) {
      this.problem(at, 'schema', 'A step is a JSON object');
      return;
    }
    const validate = typeof step.type === 'string' ? checkStep.get(step.type) : undefined;
    if (!validate) {
      this.problem(`${at}/type`, 'unknown_step_type', `type must be one of ${stepTypeNames.join(', ')}`);
      return;
    }
    if (!validate(step)) this.problems.push(...schemaProblems(at, validate.errors));
    if (typeof step.id === 'string') {
      const first = this.ids.get(step.id);
      if (first)
        this.problem(`${at}/id`, 'duplicate_step_id', `Step id ${step.id} is already used at ${first}`);
      else this.ids.set(step.id, at);
    }
    for (const nested of ['steps', 'then', 'else']) this.collectIds(step[nested], pointer(at, nested));
  }

  /** Checks steps in run order; answers the results visible after the list has run. */
  checkList(list: unknown, path: string, visible: Visible): Visible {
    let seen = visible;
    if (!Array.isArray(list)) return seen;
    list.forEach((step, index) => {
      if (isJsonObject(step)) seen = this.checkStep(step, pointer(path, index), seen);
    });
    return seen;
  }

  private scope(visible: Visible): ExpressionScope {
    return { params: this.params, steps: visible, allStepIds: new Set(this.ids.keys()) };
  }

  private expression(text: unknown, path: string, visible: Visible, expect?: 'bool' | 'number'): void {
    if (typeof text !== 'string') return;
    const result = checkExpression(text, this.scope(visible), expect);
    if (!result.ok) for (const message of result.problems) this.problem(path, 'invalid_expression', message);
  }

  private checkStep(step: Json, at: string, visible: Visible): Visible {
    const id = String(step.id);
    switch (step.type) {
      case 'instrument':
        return { ...visible, [id]: this.checkInstrument(step, at, visible) };
      case 'wait':
        if (isJsonObject(step.seconds))
          this.expression(step.seconds.expr, `${at}/seconds/expr`, visible, 'number');
        return visible;
      case 'loop': {
        // The body runs at least once (max_iterations ≥ 1), so its results stay visible after it.
        const inside = this.checkList(step.steps, `${at}/steps`, visible);
        this.expression(step.until, `${at}/until`, inside, 'bool');
        return inside;
      }
      case 'condition':
        this.expression(step.if, `${at}/if`, visible, 'bool');
        this.checkList(step.then, `${at}/then`, visible);
        this.checkList(step.else, `${at}/else`, visible);
        // Only one branch runs: neither branch's results are certain afterwards.
        return visible;
      case 'analyze':
        if (typeof step.source === 'string' && !visible[step.source]) {
          this.problem(
            `${at}/source`,
            'unknown_step',
            this.ids.has(step.source)
              ? `Step ${step.source} has not surely run before this one`
              : `There is no step ${step.source}`,
          );
        }
        return { ...visible, [id]: 'any' };
      case 'approval':
        if (this.context.roles && !this.context.roles.includes(String(step.approver_role))) {
          this.problem(
            `${at}/approver_role`,
            'unknown_role',
            `The lab has no role ${String(step.approver_role)}`,
          );
        }
        return visible;
      case 'record':
        if (isJsonObject(step.value)) this.expression(step.value.expr, `${at}/value/expr`, visible);
        return { ...visible, [id]: { value: isJsonObject(step.value) ? 'dyn' : literalKind(step.value) } };
      default:
        return visible;
    }
  }

  private checkInstrument(step: Json, at: string, visible: Visible): Outputs {
    const role = this.roles[String(step.role)];
    if (!isJsonObject(role)) {
      this.problem(`${at}/role`, 'unknown_role', `The workflow declares no device role ${String(step.role)}`);
      return 'any';
    }
    const kind = instrumentKind(String(role.kind));
    const action = kind?.actions[String(step.action)];
    if (!kind || !action) {
      const known = kind ? Object.keys(kind.actions).join(', ') : '';
      this.problem(
        `${at}/action`,
        'unknown_action',
        `A ${String(role.kind)} cannot ${String(step.action)} (it can: ${known})`,
      );
      return 'any';
    }
    const args = isJsonObject(step.args) ? step.args : {};
    for (const name of Object.keys(args)) {
      if (!action.args[name])
        this.problem(
          pointer(`${at}/args`, name),
          'unknown_argument',
          `${String(step.action)} takes no argument ${name}`,
        );
    }
    for (const [name, spec] of Object.entries(action.args)) {
      const path = pointer(`${at}/args`, name);
      const value = args[name];
      if (value === undefined) {
        if (spec.default === undefined)
          this.problem(
            path,
            'missing_argument',
            `${String(step.action)} needs ${name} (${spec.description})`,
          );
      } else if (isJsonObject(value)) {
        this.expression(
          value.expr,
          `${path}/expr`,
          visible,
          spec.type === 'boolean' ? 'bool' : numericSpec(spec) ? 'number' : undefined,
        );
      } else {
        const wrong = literalProblem(value, spec);
        if (wrong) this.problem(path, 'argument_out_of_range', `${name} ${wrong}`);
      }
    }
    return Object.fromEntries(Object.entries(action.outputs).map(([name, type]) => [name, celKindOf(type)]));
  }

  private checkParameter(name: string, spec: Json): void {
    const at = pointer('/parameters', name);
    const { type, minimum, maximum } = spec;
    const isNumber = type === 'number' || type === 'integer';
    if (!isNumber && (minimum !== undefined || maximum !== undefined)) {
      this.problem(at, 'invalid_parameter', 'Only number and integer parameters have a range');
    }
    if (typeof minimum === 'number' && typeof maximum === 'number' && minimum > maximum) {
      this.problem(`${at}/minimum`, 'invalid_parameter', 'minimum is above maximum');
    }
    if (type === 'enum' && !Array.isArray(spec.values))
      this.problem(`${at}/values`, 'invalid_parameter', 'An enum parameter lists its values');
    if (type !== 'enum' && spec.values !== undefined)
      this.problem(`${at}/values`, 'invalid_parameter', 'Only enum parameters have values');
    if (spec.default !== undefined) {
      const problem = parameterValueProblem(spec, spec.default);
      if (problem) this.problem(`${at}/default`, 'invalid_parameter', `default ${problem}`);
    }
  }
}

/** The CEL kind a parameter has in expressions (an enum's value is its text). */
function parameterKind(type: string): CelKind {
  return type === 'number' || type === 'integer' || type === 'boolean' ? celKindOf(type) : 'string';
}

const numericSpec = (spec: ArgumentSpec) => spec.type === 'number' || spec.type === 'integer';

function literalKind(value: unknown): CelKind {
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'boolean') return 'bool';
  return 'string';
}

/** What is wrong with a literal argument for its declared type and range, or undefined. */
function literalProblem(value: unknown, spec: ArgumentSpec): string | undefined {
  if (numericSpec(spec)) {
    if (typeof value !== 'number') return `must be a number${spec.unit ? ` in ${spec.unit}` : ''}`;
    if (spec.type === 'integer' && !Number.isInteger(value)) return 'must be a whole number';
    const unit = spec.unit ? ` ${spec.unit}` : '';
    if (spec.minimum !== undefined && value < spec.minimum)
      return `is ${value}${unit}, below the minimum ${spec.minimum}${unit}`;
    if (spec.maximum !== undefined && value > spec.maximum)
      return `is ${value}${unit}, above the maximum ${spec.maximum}${unit}`;
    return undefined;
  }
  if (spec.type === 'boolean') return typeof value === 'boolean' ? undefined : 'must be true or false';
  return typeof value === 'string' ? undefined : 'must be text';
}

/** What is wrong with a value for a declared parameter (its default, or a run's value), or undefined. */
export function parameterValueProblem(spec: Json, value: unknown): string | undefined {
  const { type } = spec;
  if (type === 'enum') {
    const values = Array.isArray(spec.values) ? spec.values : [];
    return values.includes(value) ? undefined : `must be one of ${values.join(', ')}`;
  }
  if (type === 'number' || type === 'integer' || type === 'boolean' || type === 'string') {
    return literalProblem(value, {
      type,
      description: '',
      ...(typeof spec.minimum === 'number' ? { minimum: spec.minimum } : {}),
      ...(typeof spec.maximum === 'number' ? { maximum: spec.maximum } : {}),
      ...(typeof spec.unit === 'string' ? { unit: spec.unit } : {}),
    });
  }
  return undefined;
}
