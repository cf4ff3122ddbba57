import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';

/**
 * What every routes module and plugin receives: the Fastify instance typed through TypeBox schemas,
 * with the app's logger. `createHttpApp` returns one and `encapsulate` makes child contexts of it, so
 * no routes module needs `withTypeProvider` or a cast.
 */
export type RouteScope = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * Registers `build` in its own encapsulated plugin context (its hooks, parsers and decorations stay
 * there) and hands it that context as a RouteScope: Fastify's `register` types the child with the
 * default type provider, which would leave every schema-derived request type `unknown`.
 */
export async function encapsulate(
  parent: RouteScope,
  build: (scope: RouteScope) => Promise<void>,
): Promise<void> {
  await parent.register(async (child) => build(child.withTypeProvider<TypeBoxTypeProvider>()));
}
