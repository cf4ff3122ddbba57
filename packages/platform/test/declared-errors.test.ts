import { Type } from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createHttpApp,
  encapsulate,
  errorResponses,
  type HttpApp,
  requireDeclaredErrors,
} from '../src/http/index.ts';

let app: HttpApp | undefined;
afterEach(async () => app?.close());

const build = async () => {
  app = await createHttpApp({
    service: { name: 'declared', version: '0.0.0', description: 'test' },
    logLevel: 'silent',
    allowedOrigins: [],
    trustProxy: false,
    anonymousPerMinute: 100,
    health: {},
  });
  return app;
};
const Body = Type.Object({ name: Type.String() });

describe('declared error responses', () => {
  it('stops the app from starting when a route with a body leaves out the 413 and 415 it can answer', async () => {
    const root = await build();
    const registering = encapsulate(root, async (scope) => {
      scope.post(
        '/things',
        { schema: { body: Body, response: { 201: Body, ...errorResponses(400) } } },
        async (r) => r.body,
      );
    });
    await expect(registering).rejects.toThrow('POST /things must declare its 413, 415 responses');
  });

  it("stops the app from starting when a route leaves out a status its scope answers (a plugin's 401)", async () => {
    const root = await build();
    const registering = encapsulate(root, async (scope) => {
      requireDeclaredErrors(scope, () => [401, 429]);
      scope.get('/mine', { schema: { response: { 200: Body, ...errorResponses(401) } } }, async () => ({
        name: 'x',
      }));
    });
    await expect(registering).rejects.toThrow('GET /mine must declare its 429 responses');
  });

  it('serves the declared errors in the house shape, published once as the ErrorBody component', async () => {
    const root = await build();
    await encapsulate(root, async (scope) => {
      scope.post(
        '/things',
        {
          schema: {
            operationId: 'createThing',
            body: Body,
            response: { 201: Body, ...errorResponses(400, 413, 415) },
          },
        },
        async (request, reply) => reply.code(201).send(request.body),
      );
    });
    await root.ready();
    const refused = await root.inject({ method: 'POST', url: '/things', payload: { name: 1 } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ field: 'body/name' }] },
    });
    const document = (await root.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(document.components.schemas.ErrorBody.properties.error.required).toEqual(['code', 'message']);
    expect(document.paths['/things'].post.responses['415'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ErrorBody',
    });
  });
});
