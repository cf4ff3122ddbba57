/**
 * A backup, restore or verification that cannot go on: a stable `code` for scripts and a message
 * that says what to do. The command line prints both and exits 1.
 */
export class OperationError extends Error {
  override name = 'OperationError';
  readonly code: string;

  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.code = code;
  }
}
