import type { FastifyBaseLogger } from 'fastify';

// After a clean close the process should end by itself; if something still holds the event loop
// (say log lines a stalled reader never takes), it is ended this long after.
const drainMs = 1_000;

/**
 * Closes the service once on SIGINT/SIGTERM, or when the supervisor that started it with an IPC
 * channel goes away: stop accepting, finish in-flight requests, close resources. Whatever happens
 * to the database or to standard output, the process is gone within `timeoutMs`; a second signal
 * ends it at once, before anything (not even a log line) gets in the way.
 */
export function onShutdownSignal(
  close: () => Promise<void>,
  log: FastifyBaseLogger,
  timeoutMs = 10_000,
): void {
  let closing = false;
  const exitSoon = (ms: number, code: number, why?: string) => {
    // Unref'd: it never keeps the process up, and it fires only if something else does.
    const timer = setTimeout(() => {
      if (why) log.error(why);
      process.exit(code);
    }, ms);
    timer.unref();
  };
  const shutDown = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    exitSoon(timeoutMs, 1, 'shutdown timed out, exiting');
    log.info({ signal }, 'shutting down');
    close().then(
      () => {
        process.exitCode = 0;
        exitSoon(drainMs, 0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
        exitSoon(drainMs, 1);
      },
    );
  };
  process.on('SIGINT', shutDown);
  process.on('SIGTERM', shutDown);
  if (process.channel) {
    // Started by `npm start` over an IPC channel: it closes when that supervisor dies, however it
    // died (even SIGKILL), so the service never outlives it. The channel must not keep us up.
    process.channel.unref();
    if (process.connected) process.once('disconnect', () => shutDown('SIGHUP'));
    else shutDown('SIGHUP');
  }
}
