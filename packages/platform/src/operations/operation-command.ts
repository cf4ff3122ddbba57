import { OperationError } from './operation-error.ts';

/**
 * Runs an operator command's body: an OperationError (a refusal with a stable code) is printed as
 * `<what> refused [CODE]: message` with exit code 1; anything else propagates to the command line's
 * own handler.
 */
export async function runOperation(what: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (!(error instanceof OperationError)) throw error;
    console.error(`${what} refused [${error.code}]: ${error.message}`);
    process.exitCode = 1;
  }
}

export const formatBytes = (bytes: number): string =>
  bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
