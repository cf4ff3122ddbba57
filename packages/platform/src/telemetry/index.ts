export {
  type DatabaseSpanTarget,
  databaseSpanAttributes,
  spanTargetOfUrl,
  tracedDialect,
  traceStatement,
} from './db-tracing.ts';
export type { TelemetryLog } from './diag-forwarder.ts';
export { traceRequests } from './http-tracing.ts';
export { type QueuedJobMetadata, traceJobRun } from './job-tracing.ts';
export {
  errorType,
  inSpan,
  markFailed,
  type Span,
  SpanKind,
  type SpanOptions,
  withTraceHeaders,
} from './spans.ts';
export { sanitizeSql, summarizeStatement } from './sql-summary.ts';
export { startTelemetry, type Telemetry, type TelemetryLimits } from './start-telemetry.ts';
export {
  describeTelemetry,
  type SamplerName,
  samplerNames,
  type TelemetryConfig,
  telemetryConfigFromEnv,
} from './telemetry-config.ts';
export { activeTracer } from './tracer-state.ts';
