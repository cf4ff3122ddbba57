import { type LabClient, type Latency, summarise, timeSequential } from './lab-client.ts';

interface SampleReply {
  id: string;
  sample_id: string;
  ancestors: unknown[];
  descendants: unknown[];
}

export interface LineageRun {
  levels: number;
  descendants: number;
  root: Latency;
  leaf: Latency;
  /** The splits that built the tree, one after another. */
  splits: Latency;
}

/**
 * A root sample split into `branching` aliquots, each of those split again, `levels` levels down,
 * through `POST /api/samples/:id/split` (real lineage rows, real audit entries); then
 * `GET /api/samples/:id?depth=levels` timed on the root (every descendant) and on a leaf (its
 * whole ancestry), one caller, `calls` times each after a warm-up.
 */
export async function measureLineage(
  client: LabClient,
  options: { levels: number; branching: number; calls: number },
): Promise<LineageRun> {
  const root = await client.ok<{ id: string }>(
    'POST',
    '/api/samples',
    {
      sample_id: 'LIN-ROOT',
      sample_type: 'whole_blood',
      quantity: 1_000_000,
      unit: 'uL',
      status: 'in_storage',
    },
    201,
  );
  let level = [root.id];
  let quantity = 1_000_000;
  const splitTimes: number[] = [];
  const built = performance.now();
  for (let depth = 1; depth <= options.levels; depth += 1) {
    quantity = Math.floor(quantity / (options.branching + 1));
    const next: string[] = [];
    for (const parent of level) {
      const at = performance.now();
      const split = await client.ok<{ children: { id: string }[] }>(
        'POST',
        `/api/samples/${parent}/split`,
        { children: Array.from({ length: options.branching }, () => ({ quantity })), reason: 'aliquots' },
        201,
      );
      splitTimes.push(performance.now() - at);
      next.push(...split.children.map((child) => child.id));
    }
    level = next;
  }
  const splits = summarise(splitTimes, (performance.now() - built) / 1000);
  const leafId = level[0]!;
  const expected = Array.from({ length: options.levels }, (_, i) => options.branching ** (i + 1)).reduce(
    (a, b) => a + b,
    0,
  );
  const get = (id: string) => client.ok<SampleReply>('GET', `/api/samples/${id}?depth=${options.levels}`);
  const top = await get(root.id);
  const leaf = await get(leafId);
  if (top.descendants.length !== expected || leaf.ancestors.length !== options.levels) {
    throw new Error(
      `lineage is wrong: ${top.descendants.length} descendants (want ${expected}), ${leaf.ancestors.length} ancestors`,
    );
  }
  await timeSequential(20, () => get(root.id));
  const rootRun = await timeSequential(options.calls, () => get(root.id));
  const leafRun = await timeSequential(options.calls, () => get(leafId));
  console.log(
    `lineage: root p50 ${rootRun.p50.toFixed(1)} / p99 ${rootRun.p99.toFixed(1)} ms, leaf p50 ${leafRun.p50.toFixed(1)} / p99 ${leafRun.p99.toFixed(1)} ms`,
  );
  return { levels: options.levels, descendants: expected, root: rootRun, leaf: leafRun, splits };
}
