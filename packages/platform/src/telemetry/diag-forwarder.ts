import type { DiagLogger } from '@opentelemetry/api';

/** Where the SDK's own warnings go: the service's logger once it has one. */
export interface TelemetryLog {
  warn(object: Record<string, unknown>, message: string): void;
}

// The same complaint (an unreachable collector fails every export) is logged once a minute at most.
const repeatMs = 60_000;

/** The SDK reports a failed export as the error serialised to JSON, stack and all: its message. */
function readable(message: string): string {
  if (!message.startsWith('{')) return message;
  try {
    const parsed: unknown = JSON.parse(message);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'message' in parsed &&
      typeof parsed.message === 'string'
    ) {
      return `span export failed: ${parsed.message}`;
    }
  } catch {
    // Not JSON after all: as it is.
  }
  return message;
}

/**
 * The SDK's diagnostics (failed exports, dropped spans) as warnings in the service's log, each
 * distinct message at most once a minute. Until the service's logger exists they go to stderr.
 */
export class DiagForwarder implements DiagLogger {
  #log: TelemetryLog | undefined;
  readonly #lastSaid = new Map<string, number>();

  logTo(log: TelemetryLog): void {
    this.#log = log;
  }

  error(message: string, ...args: unknown[]): void {
    this.#say(message, args);
  }

  warn(message: string, ...args: unknown[]): void {
    this.#say(message, args);
  }

  info(): void {}
  debug(): void {}
  verbose(): void {}

  #say(message: string, args: unknown[]): void {
    const now = Date.now();
    const last = this.#lastSaid.get(message);
    if (last !== undefined && now - last < repeatMs) return;
    if (this.#lastSaid.size > 100) this.#lastSaid.clear();
    this.#lastSaid.set(message, now);
    // Only a cause's message: the SDK's arguments can be whole requests (with the export headers).
    const cause = args.find((arg): arg is Error => arg instanceof Error)?.message;
    const detail = { telemetry: readable(message), ...(cause ? { cause } : {}) };
    if (this.#log) this.#log.warn(detail, 'tracing: the trace exporter reported a problem');
    else process.stderr.write(`${JSON.stringify({ level: 'warn', ...detail })}\n`);
  }
}
