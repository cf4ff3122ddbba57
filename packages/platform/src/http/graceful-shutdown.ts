import type { FastifyBaseLogger } from 'fastify';

/**
 * Closes the service once on SIGINT/SIGTERM: stop accepting, finish in-flight requests, close
 * resources. A second signal, or a close that hangs past `timeoutMs`, exits at once.
 */
export function onShutdownSignal(
  close: () => Promise<void>,
  log: FastifyBaseLogger,
  timeoutMs = 10_000,
): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) {
      log.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    closing = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown timed out, exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
