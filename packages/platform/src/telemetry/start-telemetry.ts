import { context, DiagLogLevel, diag, logs, metrics, propagation, trace } from '@opentelemetry/api';
import { DiagForwarder, type TelemetryLog } from './diag-forwarder.ts';
import type { TelemetryConfig } from './telemetry-config.ts';
import { setActiveTracer } from './tracer-state.ts';

/** The running trace export (or its absence), as a service's startup holds it. */
export interface Telemetry {
  /** False when no endpoint is configured: nothing was started and nothing will be sent. */
  readonly enabled: boolean;
  /** From now on the SDK's warnings go to this logger (until then, to stderr). */
  logTo(log: TelemetryLog): void;
  /** Sends the spans ended so far (tests; shutdown does it too). */
  flush(): Promise<void>;
  /** Sends what is left, within `shutdownMs`, then stops; tracing is off afterwards. */
  shutdown(): Promise<void>;
}

const off: Telemetry = {
  enabled: false,
  logTo: () => {},
  flush: async () => {},
  shutdown: async () => {},
};

/** How long exports and the final flush may take (defaults suit production; tests shorten them). */
export interface TelemetryLimits {
  /** One export, its retries included (default 5 s). */
  exportTimeoutMs?: number;
  /** The final flush at shutdown (default 3 s): an unreachable collector must not hold up a
   * shutdown, and the services allow themselves 10 s in all. */
  shutdownMs?: number;
}

/**
 * Starts the OpenTelemetry Node SDK exporting spans over OTLP/HTTP (JSON) when `config.tracesUrl`
 * is set; otherwise starts nothing, and every instrumented place skips its span. Call it before
 * building the HTTP app (which adds its request hooks only when tracing is on).
 *
 * Only what the config says is used: the exporter's URL and headers, the sampler and the service
 * name are passed explicitly (the SDK's own `OTEL_*` reading is what config.ts has already read);
 * metrics and logs export stay off whatever the environment says. Spans are batched and sent in
 * the background: a slow or unreachable collector never delays a request, and spans it cannot
 * take are dropped (a warning a minute says so).
 */
export async function startTelemetry(
  config: TelemetryConfig,
  service: { version: string },
  limits: TelemetryLimits = {},
): Promise<Telemetry> {
  if (!config.tracesUrl) return off;
  // Loaded only when tracing is on: a service without it never pays for the SDK's modules.
  const [
    { W3CTraceContextPropagator },
    { NodeSDK },
    { OTLPTraceExporter },
    { BatchSpanProcessor },
    { createSampler },
  ] = await Promise.all([
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/sdk-trace'),
    import('./sampler.ts'),
  ]);
  const exporter = new OTLPTraceExporter({
    url: config.tracesUrl,
    headers: config.headers,
    timeoutMillis: limits.exportTimeoutMs ?? 5_000,
  });
  const processor = new BatchSpanProcessor({
    exporter,
    scheduledDelayMillis: 2_000,
    exportTimeoutMillis: limits.exportTimeoutMs ?? 5_000,
  });
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    spanProcessors: [processor],
    sampler: createSampler(config.sampler, config.samplerRatio),
    // `traceparent`/`tracestate` only: W3C baggage from a caller is neither kept nor passed on.
    textMapPropagator: new W3CTraceContextPropagator(),
    metricReaders: [],
    logRecordProcessors: [],
  });
  const forwarder = new DiagForwarder();
  // After the SDK's constructor, which installs a console logger of its own under OTEL_LOG_LEVEL.
  diag.setLogger(forwarder, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  sdk.start();
  setActiveTracer(trace.getTracer('@ours/platform', service.version));
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    logTo: (log) => forwarder.logTo(log),
    // A failed export is the SDK's to report (as a warning), never the caller's failure.
    flush: () => processor.forceFlush().catch((error: unknown) => forwarder.error('flush failed', error)),
    shutdown: () => {
      stopped ??= (async () => {
        setActiveTracer(undefined);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, limits.shutdownMs ?? 3_000);
        });
        await Promise.race([sdk.shutdown().catch(() => {}), late]);
        clearTimeout(timer);
        // Unregistered, so a later start in this process (tests) registers afresh.
        trace.disable();
        logs.disable();
        metrics.disable();
        context.disable();
        propagation.disable();
        diag.disable();
      })();
      return stopped;
    },
  };
}
