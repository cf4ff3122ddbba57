/** A node of an `EXPLAIN (ANALYZE, FORMAT JSON)` plan, with the fields the plan tests read. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Conflict Arbiter Indexes'?: string[];
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** The EXPLAIN answer's one cell: its plan's nodes, top first. */
export function readPlan(queryPlan: unknown): PlanNode[] {
  // PGlite answers the JSON parsed, the server's driver as text.
  const [document] = (typeof queryPlan === 'string' ? JSON.parse(queryPlan) : queryPlan) as {
    Plan: PlanNode;
  }[];
  if (!document) throw new Error('EXPLAIN answered nothing');
  const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];
  return nodesOf(document.Plan);
}
