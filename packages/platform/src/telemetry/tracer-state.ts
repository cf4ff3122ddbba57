import type { Tracer } from '@opentelemetry/api';

// @NOTE one tracer for the process, set only while an SDK runs: every instrumented place asks for
// it and does nothing (not even build a no-op span) when there is none, so tracing that is off
// costs a variable read.
let current: Tracer | undefined;

/** The tracer while tracing is on; undefined when it is off. */
export function activeTracer(): Tracer | undefined {
  return current;
}

export function setActiveTracer(tracer: Tracer | undefined): void {
  current = tracer;
}
