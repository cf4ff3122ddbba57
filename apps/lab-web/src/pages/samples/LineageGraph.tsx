import { useNavigate } from '@tanstack/react-router';
import { Background, Controls, type Edge, type Node, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import { lineageLayout } from './lineage-layout.ts';
import { type SampleDetail, statusLabel } from './sample-types.ts';

/**
 * The lineage as a graph (React Flow): samples as nodes, parent → child edges labelled with the
 * relation, the sample itself highlighted. Clicking a relative opens it. The same relatives are
 * listed as links beside it (LineageList), since a canvas alone is not usable without a mouse.
 */
export function LineageGraph({ sample, depth }: { sample: SampleDetail; depth: string | undefined }) {
  const navigate = useNavigate();
  const { nodes, edges } = useMemo(() => {
    const layout = lineageLayout(sample);
    const nodes: Node[] = layout.nodes.map((node) => ({
      id: node.id,
      position: { x: node.x, y: node.y },
      className: `lineage-node${node.current ? ' lineage-node-current' : ''}`,
      data: {
        label: (
          <>
            {node.sampleId}
            <small>{statusLabel(node.status)}</small>
          </>
        ),
      },
      ariaLabel: `${node.sampleId}, ${statusLabel(node.status)}${node.current ? ' (this sample)' : ''}`,
      draggable: false,
      connectable: false,
    }));
    const edges: Edge[] = layout.edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      label: edge.relation,
      focusable: false,
    }));
    return { nodes, edges };
  }, [sample]);
  return (
    <figure
      // A sample without relatives needs little room; a family gets the full height.
      className={`graph lineage-graph${nodes.length === 1 ? ' lineage-graph-alone' : ''}`}
      aria-label={`Lineage graph of ${sample.sample_id}`}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        fitViewOptions={{ maxZoom: 1.2 }}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        onNodeClick={(_event, node) => {
          if (node.id !== sample.id) {
            void navigate({
              to: '/samples/$sampleId',
              params: { sampleId: node.id },
              search: depth ? { depth } : {},
            });
          }
        }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </figure>
  );
}
