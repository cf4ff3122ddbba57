import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const sourceDirs = ['packages/platform/src', 'apps/coach/src', 'apps/lab/src'];

// A relative import or re-export that is not type-only: one that runs at load time.
const importPattern = /^(?:import|export)\s+(?!type\b)([^;]*?)\s+from\s+'(\.[^']+)';/gms;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => normalize(join(entry.parentPath, entry.name)));
}

/** Each source file's runtime imports of other source files. */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const dir of sourceDirs) {
    for (const file of await sourceFiles(dir)) {
      const text = await readFile(file, 'utf8');
      const targets = [...text.matchAll(importPattern)]
        .filter(([, clause = '']) => !/^\{\s*(?:type\s+[^,}]+,?\s*)+\}$/.test(clause.trim()))
        .map(([, , specifier = '']) => normalize(join(dirname(file), specifier)));
      graph.set(file, targets);
    }
  }
  return graph;
}

/** Every cycle, each named once from its alphabetically first file. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const found = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'open') {
        const cycle = stack.slice(stack.indexOf(target));
        const first = cycle.indexOf([...cycle].sort()[0] ?? '');
        const named = [...cycle.slice(first), ...cycle.slice(0, first)].map((path) =>
          path.slice(root.length + 1),
        );
        found.set(named.join(' -> '), named);
      } else if (!state.has(target) && graph.has(target)) visit(target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return [...found.values()];
}

describe('source modules', () => {
  it('have no runtime import cycle (a cycle makes load order decide what is undefined)', async () => {
    expect(cyclesOf(await importGraph())).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const a = join(root, 'a.ts');
    const b = join(root, 'b.ts');
    expect(
      cyclesOf(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts']]);
  });
});
