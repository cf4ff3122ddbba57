import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';

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
        // A path item's method keys hold operation objects (OpenAPI 3.1, 4.8.9); the lint checks their shape.
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

/** What a service promises about its published document. */
export interface OpenApiContract {
  /** Every operationId with its `METHOD /path`: the ids generated clients are written against. */
  operationIds: Record<string, string>;
  /** Whether a `METHOD /path` is public (its `security` must be `[]`; the others name bearerAuth). */
  isPublic(route: string): boolean;
}

/** The tests every service's document passes: valid 3.1, stable operationIds, security declared. */
export function describeOpenApiDocument(
  load: () => { openapi: string; paths: Record<string, Record<string, unknown>> },
  contract: OpenApiContract,
): void {
  describe('the published OpenAPI document', () => {
    it('is valid OpenAPI 3.1 (Redocly recommended rules) with an operationId and declared errors everywhere', async () => {
      const document = load();
      expect(document.openapi).toBe('3.1.0');
      expect(await openApiProblems(document)).toEqual([]);
    });

    it('keeps every operationId stable', () => {
      const published = Object.fromEntries(
        operationsOf(load()).map(([route, operation]) => [operation.operationId, route]),
      );
      expect(published).toEqual(contract.operationIds);
    });

    it('says security: [] on exactly the public routes and names the bearer scheme on all others', () => {
      for (const [route, operation] of operationsOf(load())) {
        expect(operation.security, route).toEqual(contract.isPublic(route) ? [] : [{ bearerAuth: [] }]);
      }
    });
  });
}
