import { isJsonObject } from '../shared/free-json.ts';

/** The step of a definition with this id, wherever it is nested (loops, branches), or undefined. */
export function stepWithId(steps: unknown, id: string): Record<string, unknown> | undefined {
  if (!Array.isArray(steps)) return undefined;
  for (const step of steps) {
    if (!isJsonObject(step)) continue;
    if (step.id === id) return step;
    for (const nested of [step.steps, step.then, step.else]) {
      const found = stepWithId(nested, id);
      if (found) return found;
    }
  }
  return undefined;
}
