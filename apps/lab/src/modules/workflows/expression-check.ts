import { parse } from '@bufbuild/cel';
import type { Expr } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
import type { ValueType } from '../instruments/index.ts';

/**
 * Static checking of workflow expressions (CEL, https://cel.dev). The package evaluates CEL but does
 * not export its type checker, and ours needs to know more than CEL does anyway (which steps run
 * before this one, what each instrument action returns), so this walks the parsed expression over
 * the small language workflows use: literals, `params.<name>`, `steps.<id>.<output>`, arithmetic,
 * comparisons, `&&`/`||`/`!`, `? :`, `in`, `size()`, the conversions `int()`, `double()` and
 * `string()`, and the string methods `contains`, `startsWith`, `endsWith`. No macros, no host access.
 */
export type CelKind = 'int' | 'double' | 'bool' | 'string' | 'null' | 'list' | 'dyn';

/** What an expression may read at its place in the definition. */
export interface ExpressionScope {
  params: Readonly<Record<string, CelKind>>;
  /** Steps whose results exist when this expression runs, with their outputs ('any': unknown fields). */
  steps: Readonly<Record<string, Readonly<Record<string, CelKind>> | 'any'>>;
  /** Every step id of the definition, to tell "runs later" from "does not exist". */
  allStepIds: ReadonlySet<string>;
}

export type CheckResult = { ok: true; kind: CelKind } | { ok: false; problems: string[] };

/** The CEL kind a declared parameter or output has in expressions (numbers are doubles in CEL). */
export function celKindOf(type: ValueType | 'enum'): CelKind {
  if (type === 'number') return 'double';
  if (type === 'integer') return 'int';
  if (type === 'boolean') return 'bool';
  return 'string';
}

const arithmetic = new Set(['_+_', '_-_', '_*_', '_/_', '_%_']);
const ordering = new Set(['_<_', '_<=_', '_>_', '_>=_']);
const numeric = (kind: CelKind) => kind === 'int' || kind === 'double' || kind === 'dyn';
const operatorText: Record<string, string> = {
  '_+_': '+',
  '_-_': '-',
  '_*_': '*',
  '_/_': '/',
  '_%_': '%',
  '_<_': '<',
  '_<=_': '<=',
  '_>_': '>',
  '_>=_': '>=',
};

/** Parses and checks one expression; `expect` names the kind its place needs (a condition: bool). */
export function checkExpression(
  text: string,
  scope: ExpressionScope,
  expect?: 'bool' | 'number',
): CheckResult {
  let root: Expr;
  try {
    root = parse(text).expr;
  } catch (error) {
    return {
      ok: false,
      problems: [`does not parse: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
  const problems: string[] = [];
  const kind = new ExpressionChecker(scope, problems).kindOf(root);
  if (problems.length === 0 && expect === 'bool' && kind !== 'bool' && kind !== 'dyn') {
    problems.push(`is a condition and must be true or false, but gives ${kind}`);
  }
  if (problems.length === 0 && expect === 'number' && !numeric(kind)) {
    problems.push(`must give a number, but gives ${kind}`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, kind };
}

class ExpressionChecker {
  private readonly scope: ExpressionScope;
  private readonly problems: string[];

  constructor(scope: ExpressionScope, problems: string[]) {
    this.scope = scope;
    this.problems = problems;
  }

  kindOf(expr: Expr): CelKind {
    const node = expr.exprKind;
    switch (node.case) {
      case 'constExpr':
        return this.constant(node.value.constantKind.case);
      case 'identExpr':
        return this.fail(
          node.value.name === 'params' || node.value.name === 'steps'
            ? `${node.value.name} is read by name: ${node.value.name}.<name>`
            : `unknown name ${node.value.name} (read parameters as params.<name>, results as steps.<id>.<output>)`,
        );
      case 'selectExpr':
        return this.select(node.value.operand, node.value.field, node.value.testOnly);
      case 'callExpr':
        return this.call(node.value.function, node.value.args, node.value.target);
      case 'listExpr':
        for (const element of node.value.elements) this.kindOf(element);
        return 'list';
      default:
        return this.fail(`${node.case ?? 'this construct'} is not part of the workflow expression language`);
    }
  }

  private fail(problem: string): CelKind {
    this.problems.push(problem);
    return 'dyn';
  }

  private constant(kind: string | undefined): CelKind {
    if (kind === 'int64Value' || kind === 'uint64Value') return 'int';
    if (kind === 'doubleValue') return 'double';
    if (kind === 'boolValue') return 'bool';
    if (kind === 'stringValue') return 'string';
    if (kind === 'nullValue') return 'null';
    return this.fail(`${kind ?? 'this'} literals are not part of the workflow expression language`);
  }

  /** `params.x`, `steps.id` (only as the operand of `.output`) and `steps.id.output`. */
  private select(operand: Expr | undefined, field: string, testOnly: boolean): CelKind {
    if (testOnly) return this.fail('has() is not part of the workflow expression language');
    const inner = operand?.exprKind;
    if (inner?.case === 'identExpr' && inner.value.name === 'params') {
      const kind = this.scope.params[field];
      return kind ?? this.fail(`params.${field} is not a parameter of this workflow`);
    }
    if (inner?.case === 'identExpr' && inner.value.name === 'steps') {
      return this.fail(`steps.${field} is a step: read one of its outputs, steps.${field}.<output>`);
    }
    const outer = inner?.case === 'selectExpr' ? inner.value.operand?.exprKind : undefined;
    if (inner?.case === 'selectExpr' && outer?.case === 'identExpr' && outer.value.name === 'steps') {
      const stepId = inner.value.field;
      const outputs = this.scope.steps[stepId];
      if (!outputs) {
        return this.fail(
          this.scope.allStepIds.has(stepId)
            ? `steps.${stepId} has not run yet where this expression is evaluated`
            : `steps.${stepId} is not a step of this workflow`,
        );
      }
      if (outputs === 'any') return 'dyn';
      return (
        outputs[field] ??
        this.fail(
          `steps.${stepId} has no output ${field} (it has: ${Object.keys(outputs).join(', ') || 'none'})`,
        )
      );
    }
    return this.fail(`.${field} can only follow params or steps.<id>`);
  }

  private call(name: string, args: Expr[], target: Expr | undefined): CelKind {
    if (target) return this.method(name, target, args);
    const kinds = args.map((arg) => this.kindOf(arg));
    const [left = 'dyn', right = 'dyn', third = 'dyn'] = kinds;
    if (arithmetic.has(name)) {
      if (name === '_+_' && left === 'string' && right === 'string') return 'string';
      if (!numeric(left) || !numeric(right))
        return this.fail(`${operatorText[name]} needs numbers, got ${left} and ${right}`);
      if (left !== right && left !== 'dyn' && right !== 'dyn') {
        return this.fail(
          `${operatorText[name]} mixes int and double: write whole numbers with a decimal point (2.0), or convert with double(...)`,
        );
      }
      return left === 'dyn' ? right : left;
    }
    if (ordering.has(name)) {
      const comparable = (numeric(left) && numeric(right)) || (left === 'string' && right === 'string');
      return comparable
        ? 'bool'
        : this.fail(`${operatorText[name]} compares numbers or texts, got ${left} and ${right}`);
    }
    switch (name) {
      case '_==_':
      case '_!=_':
      case '@in':
        return 'bool';
      case '_&&_':
      case '_||_':
      case '!_':
        for (const kind of kinds)
          if (kind !== 'bool' && kind !== 'dyn')
            return this.fail(`&&, || and ! need true or false, got ${kind}`);
        return 'bool';
      case '-_':
        return numeric(left) ? left : this.fail(`- needs a number, got ${left}`);
      case '_?_:_':
        if (left !== 'bool' && left !== 'dyn')
          return this.fail(`the condition before ? must be true or false, got ${left}`);
        return right === third ? right : 'dyn';
      case '_[_]':
        return 'dyn';
      case 'size':
        return 'int';
      case 'int':
        return 'int';
      case 'double':
        return 'double';
      case 'string':
        return 'string';
      default:
        return this.fail(`unknown function ${name}()`);
    }
  }

  private method(name: string, target: Expr, args: Expr[]): CelKind {
    const on = this.kindOf(target);
    for (const arg of args) this.kindOf(arg);
    if (['contains', 'startsWith', 'endsWith'].includes(name) && (on === 'string' || on === 'dyn'))
      return 'bool';
    if (name === 'size') return 'int';
    return this.fail(`unknown method .${name}() on ${on}`);
  }
}
