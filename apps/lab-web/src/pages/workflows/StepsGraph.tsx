import '@xyflow/react/dist/style.css';
import './workflows.css';
import { Controls, Handle, type Node, type NodeProps, Position, ReactFlow } from '@xyflow/react';
import { useMemo } from 'react';
import { type BoxNodeData, layoutSteps, type StepNodeData } from './graph-layout.ts';
import { StepList } from './StepList.tsx';
import { stepTree, stepTypeLabel } from './step-tree.ts';

/** Marks telling the kinds apart without colour alone (an instrument acts, an approval waits for a signature). */
const typeMark: Record<string, string> = {
  instrument: '⚙',
  approval: '✍',
  wait: '⏱',
  analyze: '∿',
  record: '✎',
};

function StepNodeView({ data }: NodeProps<Node<StepNodeData>>) {
  const { step } = data;
  return (
    <div className={`step-node step-node-${step.type}`} data-step-id={step.id}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="step-node-type">
        <span aria-hidden="true">{typeMark[step.type] ?? '•'}</span> {stepTypeLabel[step.type] ?? step.type}
      </div>
      <div className="step-node-id">{step.id}</div>
      <div className="step-node-summary">{step.summary}</div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

function BoxNodeView({ data }: NodeProps<Node<BoxNodeData>>) {
  return (
    <div className={`step-box step-box-${data.kind}`}>
      {data.kind !== 'branch' && data.kind !== 'abort' && (
        <Handle type="target" position={Position.Top} isConnectable={false} />
      )}
      <div className="step-box-title">{data.title}</div>
      {data.summary && <div className="step-box-summary">{data.summary}</div>}
      {data.kind !== 'branch' && data.kind !== 'abort' && (
        <Handle type="source" position={Position.Bottom} isConnectable={false} />
      )}
    </div>
  );
}

const nodeTypes = { step: StepNodeView, box: BoxNodeView };

/**
 * The steps of a definition as a graph (run order top to bottom; loops and conditions as boxes
 * around their steps; on-abort steps beside), and the same steps as an ordered list for readers
 * and keyboards: the graph is a picture of the list, never the only way to read it.
 */
export function StepsGraph({ definition, headingLevel = 2 }: { definition: unknown; headingLevel?: 2 | 3 }) {
  const tree = useMemo(() => stepTree(definition), [definition]);
  const { nodes, edges } = useMemo(() => layoutSteps(tree), [tree]);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const SubHeading = headingLevel === 2 ? 'h3' : 'h4';
  return (
    <section className="steps-graph" aria-labelledby="steps-graph-heading">
      <Heading id="steps-graph-heading">Steps</Heading>
      <p className="graph-legend">
        <span className="legend-item legend-instrument">⚙ Instrument step</span>
        <span className="legend-item legend-approval">✍ Approval (electronic signature)</span>
        <span className="legend-item legend-loop">Loop / condition: the steps inside their box</span>
      </p>
      <div className="graph workflow-graph" data-testid="workflow-graph">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          fitView
          fitViewOptions={{ padding: 0.1 }}
          minZoom={0.2}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          edgesFocusable={false}
          proOptions={{ hideAttribution: true }}
          aria-label="Graph of the workflow's steps"
        >
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
      <SubHeading id="steps-list-heading">The steps in order</SubHeading>
      <StepList tree={tree} labelledBy="steps-list-heading" />
    </section>
  );
}
