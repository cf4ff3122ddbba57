import type { FastifyInstance } from 'fastify';

/**
 * Serves a built app from a benchmark's child process (so the load generator's CPU is not charged
 * to it): listens on a free local port, reports `{ url }` to the parent, and closes the app and then
 * `closeRest` when the parent sends `{ close: true }`.
 */
export async function serveToBenchParent(
  app: FastifyInstance,
  closeRest: () => Promise<void>,
): Promise<void> {
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.on('message', (message: { close?: boolean }) => {
    if (message.close)
      void app
        .close()
        .then(closeRest)
        .then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
  });
  process.send?.({ url });
}
