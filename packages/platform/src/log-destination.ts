/** Where log lines go: standard output by default; tests pass any writable stream. */
export interface LogOutput {
  write(chunk: string): unknown;
  readonly writableLength: number;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface LogDestinationOptions {
  output?: LogOutput;
  /** Bytes waiting for the output past which new lines are dropped (default 4 MiB). */
  maxPendingBytes?: number;
  /** Lines are handed to the output in batches of about this many bytes, or once per loop turn. */
  batchBytes?: number;
}

/**
 * A pino destination that never blocks the process. pino's own (sonic-boom) retries a write that
 * a full pipe refuses with a synchronous sleep, and flushes synchronously on exit: with a reader
 * that stopped reading, the process hung for good in shutdown, timers and signals included. Here
 * lines go through Node's non-blocking stream; when the reader falls behind by `maxPendingBytes`
 * lines are dropped and counted (and a notice says how many once the output catches up), and a
 * closed reader (EPIPE) just turns logging off. Exiting never waits for the output.
 */
export class LogDestination {
  readonly #output: LogOutput;
  readonly #maxPendingBytes: number;
  readonly #batchBytes: number;
  #lines: string[] = [];
  #bytes = 0;
  #scheduled = false;
  #broken = false;
  #unreported = 0;
  /** Lines dropped since start because the output could not take them. */
  dropped = 0;

  constructor(options: LogDestinationOptions = {}) {
    this.#output = options.output ?? process.stdout;
    this.#maxPendingBytes = options.maxPendingBytes ?? 4 * 1024 * 1024;
    this.#batchBytes = options.batchBytes ?? 4096;
    // EPIPE (the reader is gone) would otherwise be an uncaught error that crashes the process.
    this.#output.on('error', () => {
      this.#broken = true;
    });
    flushOnExit.add(this);
  }

  write(line: string): boolean {
    if (this.#broken || this.#output.writableLength + this.#bytes + line.length > this.#maxPendingBytes) {
      this.dropped += 1;
      this.#unreported += 1;
      return true;
    }
    this.#lines.push(line);
    this.#bytes += line.length;
    if (this.#bytes >= this.#batchBytes) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  /** Hands the buffered lines to the output now, without waiting for it to take them. */
  flush(): void {
    this.#scheduled = false;
    if (this.#lines.length === 0 || this.#broken) return;
    let chunk = this.#lines.join('');
    if (this.#unreported > 0) {
      chunk = `${JSON.stringify({ level: 40, time: Date.now(), msg: 'log output fell behind: lines dropped', dropped_lines: this.#unreported })}\n${chunk}`;
      this.#unreported = 0;
    }
    this.#lines = [];
    this.#bytes = 0;
    try {
      this.#output.write(chunk);
    } catch {
      this.#broken = true;
    }
  }
}

// One listener for every destination: whatever is still buffered gets one non-blocking attempt.
const flushOnExit = new Set<LogDestination>();
process.once('exit', () => {
  for (const destination of flushOnExit) destination.flush();
});
