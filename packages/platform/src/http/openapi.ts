import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ErrorBody } from './error-responses.ts';
import type { RouteScope } from './route-scope.ts';

/**
 * The OpenAPI document at `/docs/json` (Swagger UI at `/docs`), built from the routes' schemas.
 *
 * OpenAPI 3.1, because its schema dialect is JSON Schema 2020-12, which is what TypeBox writes and
 * Ajv validates: the document states the very rules the server enforces (`propertyNames`, numeric
 * `exclusiveMinimum`, `null` as a type) instead of a 3.0 rewrite that would drop some of them.
 * Generated clients (openapi-typescript) read 3.1 natively. Shared schemas with an `$id` (the
 * house `ErrorBody`) keep that name under `components.schemas`, so clients get one named type.
 */
export async function registerOpenApi(
  app: RouteScope,
  service: { name: string; version: string; description: string },
): Promise<void> {
  app.addSchema(ErrorBody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: service.name, description: service.description, version: service.version },
      // Relative to where the document is served: the service itself.
      servers: [{ url: '/', description: 'This service' }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `def-${index}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
