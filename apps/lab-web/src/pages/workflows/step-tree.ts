/**
 * A definition's steps as a tree the graph and the step list both draw: each step with a short
 * description, and the nested lists of loops (their body) and conditions (then / else).
 */

export interface StepBranch {
  /** "repeat until …", "then", "else". */
  label: string;
  steps: StepNode[];
}

export interface StepNode {
  id: string;
  type: string;
  /** JSON pointer of the step in the definition (unique, unlike a broken definition's ids). */
  path: string;
  /** What the step does, in a line. */
  summary: string;
  branches: StepBranch[];
}

export interface StepTree {
  steps: StepNode[];
  onAbort: StepNode[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value as the definition writes it: a literal, or a computed `{ expr }`. */
function valueText(value: unknown): string {
  if (isObject(value) && typeof value.expr === 'string') return `= ${value.expr}`;
  if (value === undefined) return '?';
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

function summaryOf(step: Json): string {
  const text = (value: unknown) => (typeof value === 'string' ? value : '?');
  switch (step.type) {
    case 'instrument': {
      const args = isObject(step.args)
        ? Object.entries(step.args)
            .map(([name, value]) => `${name} ${valueText(value)}`)
            .join(', ')
        : '';
      return `${text(step.role)}: ${text(step.action)}${args ? ` (${args})` : ''}`;
    }
    case 'wait':
      return `wait ${valueText(step.seconds)} s`;
    case 'loop':
      return `repeat until ${text(step.until)} (at most ${String(step.max_iterations ?? '?')} times, ${String(step.timeout_s ?? '?')} s)`;
    case 'condition':
      return `if ${text(step.if)}`;
    case 'analyze':
      return `analyse the data of ${text(step.source)}${step.critical === true ? ' (critical)' : ''}`;
    case 'approval':
      return `signed by ${text(step.approver_role)}${typeof step.meaning === 'string' ? ` as "${step.meaning}"` : ''}`;
    case 'record':
      return `record ${text(step.result)} ${valueText(step.value)}${typeof step.unit === 'string' ? ` ${step.unit}` : ''}`;
    default:
      return 'unknown step type';
  }
}

function stepsOf(list: unknown, path: string): StepNode[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((step, index): StepNode[] => {
    if (!isObject(step)) return [];
    const at = `${path}/${index}`;
    const branches: StepBranch[] = [];
    if (step.type === 'loop') branches.push({ label: 'repeat', steps: stepsOf(step.steps, `${at}/steps`) });
    if (step.type === 'condition') {
      branches.push({ label: 'then', steps: stepsOf(step.then, `${at}/then`) });
      if (Array.isArray(step.else)) branches.push({ label: 'else', steps: stepsOf(step.else, `${at}/else`) });
    }
    return [
      {
        id: typeof step.id === 'string' ? step.id : `(step ${index + 1})`,
        type: typeof step.type === 'string' ? step.type : 'unknown',
        path: at,
        summary: summaryOf(step),
        branches,
      },
    ];
  });
}

/** The step tree of a definition (whatever its state: a broken draft still draws what it can). */
export function stepTree(definition: unknown): StepTree {
  const document = isObject(definition) ? definition : {};
  return { steps: stepsOf(document.steps, '/steps'), onAbort: stepsOf(document.on_abort, '/on_abort') };
}

/** How many steps a tree holds, nested ones included. */
export function countSteps(steps: StepNode[]): number {
  return steps.reduce(
    (total, step) => total + 1 + step.branches.reduce((inner, branch) => inner + countSteps(branch.steps), 0),
    0,
  );
}

/** A step type's name for people. */
export const stepTypeLabel: Record<string, string> = {
  instrument: 'Instrument',
  wait: 'Wait',
  loop: 'Loop',
  condition: 'Condition',
  analyze: 'Analysis',
  approval: 'Approval',
  record: 'Record',
};
