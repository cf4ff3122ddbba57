import { ValidationError } from '@ours/platform/errors';

/** Deeper than any real metadata; also keeps recursive encoders (JSON, RFC 8785) far from the stack limit. */
const maxDepth = 32;

/** Nesting depth of a parsed JSON value, measured without recursion (a hostile body may nest 10,000 deep). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [current, depth] = entry;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > maxDepth) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Whether a parsed JSON value is an object (not null, not an array): what free JSON must be. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** What is wrong with a piece of free JSON, if anything (see `checkFreeJson`). */
export function freeJsonProblem(
  value: Record<string, unknown>,
  field: string,
  maxBytes: number,
): { code: string; message: string } | undefined {
  if (depthOf(value) > maxDepth)
    return { code: 'json_too_deep', message: `${field} may nest at most ${maxDepth} levels` };
  if (Buffer.byteLength(JSON.stringify(value)) > maxBytes) {
    return { code: `${field}_too_large`, message: `${field} may hold at most ${maxBytes} bytes of JSON` };
  }
  return undefined;
}

/**
 * Free-form JSON a client attaches to a record (sample metadata, vendor contact details): at most
 * `maxBytes` as JSON and `maxDepth` levels deep, so it can be stored, audited and hashed safely.
 */
export function checkFreeJson(
  value: Record<string, unknown> | undefined,
  field: string,
  maxBytes: number,
): void {
  const problem = value && freeJsonProblem(value, field, maxBytes);
  if (problem) throw new ValidationError(problem.code, problem.message, { field });
}
