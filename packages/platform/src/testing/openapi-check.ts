import { createConfig, lintFromString } from '@redocly/openapi-core';

const methods = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
const errorBodyRef = '#/components/schemas/ErrorBody';

interface Operation {
  operationId?: string;
  security?: unknown[];
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

/** Every operation of a document, as `METHOD /path` with the operation. */
export function operationsOf(document: {
  paths?: Record<string, Record<string, unknown>>;
}): [string, Operation][] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, operation]): [string, Operation] => [
        `${method.toUpperCase()} ${path}`,
        operation as Operation,
      ]),
  );
}

/**
 * Everything wrong with an OpenAPI document, as readable lines: Redocly's `recommended` rules (the
 * structure checks openapi-typescript also runs) at error severity, with a missing operationId or
 * 4xx response promoted to errors; then the house rules: unique camelCase operationIds, every 4xx
 * response the shared `ErrorBody`, and a security requirement on every operation (`[]` when public).
 */
export async function openApiProblems(document: object): Promise<string[]> {
  const config = await createConfig({
    extends: ['recommended'],
    rules: { 'operation-operationId': 'error', 'operation-4xx-response': 'error' },
  });
  const lint = await lintFromString({
    source: JSON.stringify(document),
    absoluteRef: 'openapi.json',
    config,
  });
  const problems = lint
    .filter((problem) => problem.severity === 'error')
    .map((problem) => `${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`);
  const seen = new Set<string>();
  for (const [label, operation] of operationsOf(document)) {
    const id = operation.operationId;
    if (!id || !/^[a-z][a-zA-Z0-9]*$/.test(id)) problems.push(`${label}: operationId ${id} is not camelCase`);
    else if (seen.has(id)) problems.push(`${label}: operationId ${id} is used twice`);
    if (id) seen.add(id);
    if (!Array.isArray(operation.security)) problems.push(`${label}: no security requirement`);
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      // 5xx may carry a body of their own (`/health` answers 503 with its report).
      if (!status.startsWith('4')) continue;
      const schemas = Object.values(response.content ?? {}).map((media) => media.schema?.$ref);
      if (schemas.length === 0 || schemas.some((ref) => ref !== errorBodyRef)) {
        problems.push(`${label}: ${status} is not the shared ErrorBody`);
      }
    }
  }
  return problems;
}
