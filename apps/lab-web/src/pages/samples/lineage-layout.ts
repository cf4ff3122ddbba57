import type { Relative, SampleDetail } from './sample-types.ts';

export interface LineageNode {
  id: string;
  sampleId: string;
  status: string;
  /** Generations from the sample: ancestors negative, descendants positive, the sample 0. */
  level: number;
  x: number;
  y: number;
  current: boolean;
}

export interface LineageEdge {
  id: string;
  /** The parent. */
  source: string;
  /** The child. */
  target: string;
  relation: string;
}

const columnWidth = 190;
const rowHeight = 110;

/**
 * The sample and its relatives laid out by generation (ancestors above, descendants below), each
 * generation centred on the sample; every relative hangs from the one it was reached through.
 */
export function lineageLayout(sample: SampleDetail): { nodes: LineageNode[]; edges: LineageEdge[] } {
  const entries: { id: string; sampleId: string; status: string; level: number }[] = [
    { id: sample.id, sampleId: sample.sample_id, status: sample.status, level: 0 },
    ...sample.ancestors.map((row) => ({ ...row, sampleId: row.sample_id, level: -row.depth })),
    ...sample.descendants.map((row) => ({ ...row, sampleId: row.sample_id, level: row.depth })),
  ];
  const byLevel = new Map<number, typeof entries>();
  for (const entry of entries) byLevel.set(entry.level, [...(byLevel.get(entry.level) ?? []), entry]);
  const nodes = [...byLevel.entries()].flatMap(([level, row]) =>
    row.map((entry, index) => ({
      ...entry,
      x: (index - (row.length - 1) / 2) * columnWidth,
      y: level * rowHeight,
      current: entry.id === sample.id,
    })),
  );
  const edge = (source: string, target: string, relation: string): LineageEdge => ({
    id: `${source}->${target}`,
    source,
    target,
    relation,
  });
  const edges = [
    ...sample.ancestors.map((row: Relative) => edge(row.id, row.via, row.relation)),
    ...sample.descendants.map((row: Relative) => edge(row.via, row.id, row.relation)),
  ];
  return { nodes, edges };
}
