import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkExpression, validateDefinition } from '../src/modules/workflows/index.ts';

const demoPath = new URL('../src/modules/workflows/demo/crystallization-monitoring.json', import.meta.url);
const demo = () => JSON.parse(readFileSync(demoPath, 'utf8'));
const codes = (document: unknown) => validateDefinition(document).map(({ path, code }) => `${code} ${path}`);

/** The demo with one change made by `edit`. */
function edited(edit: (document: ReturnType<typeof demo>) => void) {
  const document = demo();
  edit(document);
  return document;
}

describe('workflow definition validation', () => {
  it('accepts the demo workflow', () => {
    expect(validateDefinition(demo(), { roles: ['admin', 'scientist'] })).toEqual([]);
  });

  it('refuses a literal 12 V on a ±10 V output, naming the argument and the limit', () => {
    const problems = validateDefinition(edited((d) => (d.steps[6].args.voltage = 12)));
    expect(problems).toEqual([
      {
        path: '/steps/6/args/voltage',
        code: 'argument_out_of_range',
        message: 'voltage is 12 V, above the maximum 10 V',
      },
    ]);
  });

  it('lists every problem at once, each with its JSON path', () => {
    const document = edited((d) => {
      d.steps[1].id = 'bias'; // duplicate id
      d.steps[2].role = 'pump'; // no such role
      d.steps[3].until = 'steps.acquire.peak_intensity'; // not a condition
      d.steps[4].then[0].value = { expr: 'params.nope' }; // unknown parameter
      d.steps[5].approver_role = 'janitor';
      delete d.steps[3].max_iterations; // unbounded loop
    });
    expect(
      validateDefinition(document, { roles: ['admin'] }).map(({ path, code }) => `${code} ${path}`),
    ).toEqual(['duplicate_step_id /steps/1/id', 'schema /steps/3/max_iterations']);
    delete document.steps[3].max_iterations;
    document.steps[3].max_iterations = 100;
    document.steps[1].id = 'settle';
    expect(
      validateDefinition(document, { roles: ['admin'] }).map(({ path, code }) => `${code} ${path}`),
    ).toEqual([
      'unknown_role /steps/2/role',
      'invalid_expression /steps/3/until',
      'invalid_expression /steps/4/then/0/value/expr',
      'unknown_role /steps/5/approver_role',
    ]);
  });

  it('requires every loop to be bounded by both max_iterations and timeout_s', () => {
    const document = edited((d) => {
      delete d.steps[3].max_iterations;
      delete d.steps[3].timeout_s;
    });
    expect(codes(document)).toEqual(['schema /steps/3/max_iterations', 'schema /steps/3/timeout_s']);
  });

  it('refuses unknown step types, actions, arguments and missing required arguments', () => {
    const document = edited((d) => {
      d.steps[1] = { id: 'nap', type: 'sleep', seconds: 1 };
      d.steps[0].action = 'explode';
      d.steps[2].args.colour = 'red';
      delete d.steps[6].args.channel;
    });
    expect(codes(document)).toEqual(['unknown_step_type /steps/1/type']);
    document.steps[1] = { id: 'nap', type: 'wait', seconds: 1 };
    expect(codes(document)).toEqual([
      'unknown_action /steps/0/action',
      'unknown_argument /steps/2/args/colour',
      'missing_argument /steps/6/args/channel',
    ]);
  });

  it('reads a step result only where that step has surely run', () => {
    const before = edited((d) => {
      d.steps[0].args.voltage = { expr: 'steps.acquire.peak_intensity / 1000.0' };
    });
    expect(validateDefinition(before)[0]).toMatchObject({
      path: '/steps/0/args/voltage/expr',
      message: 'steps.acquire has not run yet where this expression is evaluated',
    });
    // A record inside one branch is not certain after the condition.
    const afterBranch = edited((d) => {
      d.steps[6].args.voltage = { expr: 'steps.record_peak.value' };
    });
    expect(codes(afterBranch)).toEqual(['invalid_expression /steps/6/args/voltage/expr']);
    // on_abort runs at any point: parameters only.
    const onAbort = edited((d) => {
      d.on_abort[0].args.voltage = { expr: 'steps.bias.voltage' };
    });
    expect(codes(onAbort)).toEqual(['invalid_expression /on_abort/0/args/voltage/expr']);
  });

  it('type-checks expressions: conditions are true or false, numeric arguments are numbers', () => {
    const document = edited((d) => {
      d.steps[4].if = 'params.peak_threshold + 1.0';
      d.steps[0].args.voltage = { expr: '"five"' };
    });
    expect(validateDefinition(document).map(({ message }) => message)).toEqual([
      'must give a number, but gives string',
      'is a condition and must be true or false, but gives double',
    ]);
  });

  it('checks parameter declarations and their defaults', () => {
    const document = edited((d) => {
      d.parameters.bias_voltage.default = 9;
      d.parameters.working_voltage.minimum = 11;
      d.parameters.mode = { type: 'enum' };
    });
    expect(codes(document)).toEqual([
      'invalid_parameter /parameters/bias_voltage/default',
      'invalid_parameter /parameters/working_voltage/minimum',
      'invalid_parameter /parameters/working_voltage/default',
      'invalid_parameter /parameters/mode/values',
    ]);
  });

  it('refuses parameter and device role names that break the naming rule (no step could name them)', () => {
    const document = edited((d) => {
      d.parameters['Bad Name!'] = { type: 'number', default: 1 };
      d.devices['My DAQ'] = d.devices.daq;
    });
    expect(codes(document)).toEqual(['schema /parameters/Bad Name!', 'schema /devices/My DAQ']);
  });

  it('reserves the name schema (GET /api/workflows/schema is the format)', () => {
    expect(codes(edited((d) => (d.name = 'schema')))).toEqual(['reserved_name /name']);
  });

  it('refuses a document that is not an object, and unknown fields', () => {
    expect(codes([])).toEqual(['invalid_definition ']);
    expect(codes(edited((d) => (d.colour = 'blue')))).toEqual(['schema /colour']);
  });
});

describe('workflow expressions', () => {
  const scope = {
    params: { voltage: 'double' as const, count: 'int' as const },
    steps: { acq: { peak_intensity: 'double' as const } },
    allStepIds: new Set(['acq', 'later']),
  };

  it('explains a mix of int and double instead of failing at run time', () => {
    const result = checkExpression('params.voltage * 2', scope);
    expect(result).toEqual({
      ok: false,
      problems: [
        '* mixes int and double: write whole numbers with a decimal point (2.0), or convert with double(...)',
      ],
    });
    expect(checkExpression('params.voltage * 2.0', scope)).toEqual({ ok: true, kind: 'double' });
    expect(checkExpression('double(params.count) * params.voltage', scope)).toEqual({
      ok: true,
      kind: 'double',
    });
  });

  it('compares numbers of either kind, as CEL does', () => {
    expect(checkExpression('steps.acq.peak_intensity > 1500 && params.count < 3', scope, 'bool')).toEqual({
      ok: true,
      kind: 'bool',
    });
  });

  it('has no access to anything but params and step results', () => {
    for (const text of [
      'process.exit(1)',
      'globalThis',
      'require("fs")',
      '[1, 2].map(x, x * 2)',
      'has(params.voltage)',
    ]) {
      expect(checkExpression(text, scope).ok, text).toBe(false);
    }
  });

  it('tells a step that runs later from one that does not exist, and a syntax error from both', () => {
    expect(checkExpression('steps.later.x > 1', scope)).toMatchObject({
      problems: ['steps.later has not run yet where this expression is evaluated'],
    });
    expect(checkExpression('steps.nope.x > 1', scope)).toMatchObject({
      problems: ['steps.nope is not a step of this workflow'],
    });
    const broken = checkExpression('params.voltage >', scope);
    expect(broken.ok).toBe(false);
    expect(broken.ok ? '' : broken.problems[0]).toMatch(/^does not parse/);
  });
});
