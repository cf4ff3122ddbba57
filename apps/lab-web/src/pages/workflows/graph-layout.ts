import { type Edge, MarkerType, type Node } from '@xyflow/react';
import type { StepNode, StepTree } from './step-tree.ts';
import { stepTypeLabel } from './step-tree.ts';

/**
 * Places a definition's steps for the graph: each list top to bottom, in run order, joined by
 * arrows; a loop's body inside its loop's box; a condition's branches side by side inside its box;
 * the `on_abort` steps in a box of their own beside the main flow. A layout of our own (a column is
 * all this needs) rather than a layout library.
 */

export const stepWidth = 250;
export const stepHeight = 76;
const gap = 34;
const pad = 16;
const header = 64;
const branchHeader = 30;
const columnGap = 96;

export interface StepNodeData extends Record<string, unknown> {
  step: StepNode;
  /** "Step 3" or "Step 4.1": the position people read in the list beside the graph. */
  number: string;
}
export interface BoxNodeData extends Record<string, unknown> {
  title: string;
  summary: string;
  kind: 'loop' | 'condition' | 'branch' | 'abort';
  number?: string;
}

interface Size {
  width: number;
  height: number;
}

function listSize(steps: StepNode[]): Size {
  if (steps.length === 0) return { width: stepWidth, height: 24 };
  const sizes = steps.map(stepSize);
  return {
    width: Math.max(...sizes.map((size) => size.width)),
    height: sizes.reduce((total, size) => total + size.height, 0) + gap * (steps.length - 1),
  };
}

function branchSize(steps: StepNode[]): Size {
  const inner = listSize(steps);
  return { width: inner.width + 2 * pad, height: branchHeader + inner.height + pad };
}

function stepSize(step: StepNode): Size {
  if (step.type === 'loop') {
    const inner = listSize(step.branches[0]?.steps ?? []);
    return { width: Math.max(inner.width, stepWidth) + 2 * pad, height: header + inner.height + pad };
  }
  if (step.type === 'condition') {
    const columns = step.branches.map((branch) => branchSize(branch.steps));
    const width = columns.reduce((total, size) => total + size.width, 0) + pad * (columns.length + 1);
    const height = Math.max(0, ...columns.map((size) => size.height));
    return { width: Math.max(width, stepWidth + 2 * pad), height: header + height + pad };
  }
  return { width: stepWidth, height: stepHeight };
}

const arrow = (from: StepNode, to: StepNode): Edge => ({
  id: `${from.path}->${to.path}`,
  source: from.path,
  target: to.path,
  type: 'smoothstep',
  markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18, color: '#4a5565' },
  style: { stroke: '#4a5565', strokeWidth: 1.5 },
  ariaLabel: `${from.id}, then ${to.id}`,
});

const child = (parentId: string | undefined) => (parentId ? { parentId, extent: 'parent' as const } : {});

/** Places a list of steps in a column `width` wide at (x, y) of its parent; answers its nodes and arrows. */
function placeList(
  steps: StepNode[],
  numberPrefix: string,
  parentId: string | undefined,
  x: number,
  y: number,
  width: number,
  out: { nodes: Node[]; edges: Edge[] },
): void {
  let top = y;
  steps.forEach((step, index) => {
    const size = stepSize(step);
    const number = `${numberPrefix}${index + 1}`;
    placeStep(step, number, parentId, x + (width - size.width) / 2, top, out);
    const previous = steps[index - 1];
    if (previous) out.edges.push(arrow(previous, step));
    top += size.height + gap;
  });
}

function placeStep(
  step: StepNode,
  number: string,
  parentId: string | undefined,
  x: number,
  y: number,
  out: { nodes: Node[]; edges: Edge[] },
): void {
  const size = stepSize(step);
  const label = `Step ${number}, ${step.id}: ${stepTypeLabel[step.type] ?? step.type}, ${step.summary}`;
  if (step.type !== 'loop' && step.type !== 'condition') {
    out.nodes.push({
      id: step.path,
      type: 'step',
      position: { x, y },
      width: size.width,
      height: size.height,
      data: { step, number } satisfies StepNodeData,
      ariaLabel: label,
      ...child(parentId),
    });
    return;
  }
  out.nodes.push({
    id: step.path,
    type: 'box',
    position: { x, y },
    width: size.width,
    height: size.height,
    style: { width: size.width, height: size.height },
    data: {
      title: `${stepTypeLabel[step.type]} ${step.id}`,
      summary: step.summary,
      kind: step.type,
      number,
    } satisfies BoxNodeData,
    ariaLabel: label,
    ...child(parentId),
  });
  if (step.type === 'loop') {
    const body = step.branches[0]?.steps ?? [];
    placeList(body, `${number}.`, step.path, pad, header, size.width - 2 * pad, out);
    return;
  }
  let left = pad;
  step.branches.forEach((branch, index) => {
    const branchBox = branchSize(branch.steps);
    const id = `${step.path}#${branch.label}`;
    out.nodes.push({
      id,
      type: 'box',
      position: { x: left, y: header },
      width: branchBox.width,
      height: branchBox.height,
      style: { width: branchBox.width, height: branchBox.height },
      data: { title: branch.label, summary: '', kind: 'branch' } satisfies BoxNodeData,
      ariaLabel: `${branch.label} branch of ${step.id}`,
      parentId: step.path,
      extent: 'parent',
    });
    placeList(
      branch.steps,
      `${number}.${index === 0 ? 'then' : 'else'}.`,
      id,
      pad,
      branchHeader,
      branchBox.width - 2 * pad,
      out,
    );
    left += branchBox.width + pad;
  });
}

/** The graph's nodes and arrows for a step tree. */
export function layoutSteps(tree: StepTree): { nodes: Node[]; edges: Edge[] } {
  const out = { nodes: [] as Node[], edges: [] as Edge[] };
  const main = listSize(tree.steps);
  placeList(tree.steps, '', undefined, 0, 0, main.width, out);
  if (tree.onAbort.length > 0) {
    const box = branchSize(tree.onAbort);
    const boxSize = { width: box.width, height: box.height + header - branchHeader };
    out.nodes.push({
      id: 'on_abort',
      type: 'box',
      position: { x: main.width + columnGap, y: 0 },
      width: boxSize.width,
      height: boxSize.height,
      style: { width: boxSize.width, height: boxSize.height },
      data: {
        title: 'On abort',
        summary: 'runs when a run is aborted, then every instrument goes to its safe state',
        kind: 'abort',
      } satisfies BoxNodeData,
      ariaLabel: 'On abort: steps run when a run is aborted',
    });
    placeList(tree.onAbort, 'abort.', 'on_abort', pad, header, box.width - 2 * pad, out);
  }
  return out;
}
