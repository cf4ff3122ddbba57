import { type CelInput, celEnv, celError, isCelError, isCelList, isCelMap, parse, plan } from '@bufbuild/cel';

/** A value a run has in hand: a parameter, a step's output, a recorded result. */
export type RunValue = number | boolean | string;

/** What an expression reads: parameters and step results, each with whether it is a whole number. */
export interface EvaluationScope {
  params: Record<string, RunValue>;
  steps: Record<string, Record<string, unknown>>;
  /** Names (`params.x`, `steps.id.out`) whose numbers are CEL ints; every other number is a double. */
  integers: ReadonlySet<string>;
}

export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

const env = celEnv();
type Program = (bindings: Record<string, CelInput>) => unknown;
/**
 * Planned programs by expression text: a loop's `until` runs every pass, and parsing and planning
 * cost more than evaluating. Bounded (a definition holds at most a few hundred expressions).
 */
const programs = new Map<string, Program>();
const programsKept = 1_000;

function programOf(text: string): Program {
  let program = programs.get(text);
  if (!program) {
    try {
      program = plan(env, parse(text)) as Program;
    } catch (error) {
      // Parsing failed: answer the error each time (it is not kept).
      return () => celError(error);
    }
    if (programs.size >= programsKept) programs.delete(programs.keys().next().value ?? '');
    programs.set(text, program);
  }
  return program;
}

/**
 * A JS value as CEL sees it: declared integers as int (bigint), other numbers as double; objects (an
 * analysis answer) as maps, arrays as lists; anything else (undefined) as null.
 */
function celValue(value: unknown, integer: boolean): CelInput {
  if (typeof value === 'number') return integer && Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === 'boolean' || typeof value === 'string' || typeof value === 'bigint') return value;
  if (Array.isArray(value)) return value.map((item) => celValue(item, false));
  if (typeof value === 'object' && value !== null) {
    return new Map(Object.entries(value).map(([key, item]) => [key, celValue(item, false)]));
  }
  return null;
}

function celObject(values: Record<string, unknown>, prefix: string, integers: ReadonlySet<string>): CelInput {
  return new Map(
    Object.entries(values).map(([name, value]) => [name, celValue(value, integers.has(`${prefix}.${name}`))]),
  );
}

/** A CEL result as a plain value (ints back to numbers; a list or map is refused: not a run value). */
function plain(result: unknown, text: string): RunValue {
  if (typeof result === 'bigint') {
    if (result > BigInt(Number.MAX_SAFE_INTEGER) || result < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new ExpressionError(`${text} gives ${result}, too large to use`);
    }
    return Number(result);
  }
  if (typeof result === 'number') {
    if (!Number.isFinite(result)) throw new ExpressionError(`${text} gives ${result}, not a usable number`);
    return result;
  }
  if (typeof result === 'boolean' || typeof result === 'string') return result;
  if (isCelList(result) || isCelMap(result))
    throw new ExpressionError(`${text} gives a list or map, not a value`);
  throw new ExpressionError(`${text} gives ${String(result)}, not a value`);
}

/**
 * Evaluates a (statically checked) workflow expression over a run's values. Errors a static check
 * cannot see (a division by zero, a missing result after a skipped branch) throw ExpressionError
 * naming the expression.
 */
export function evaluateExpression(text: string, scope: EvaluationScope): RunValue {
  const steps = Object.fromEntries(
    Object.entries(scope.steps).map(([id, outputs]) => [
      id,
      celObject(outputs, `steps.${id}`, scope.integers),
    ]),
  );
  let result: unknown;
  try {
    result = programOf(text)({ params: celObject(scope.params, 'params', scope.integers), steps });
  } catch (error) {
    throw new ExpressionError(`${text}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (isCelError(result)) throw new ExpressionError(`${text}: ${result.message}`);
  return plain(result, text);
}
