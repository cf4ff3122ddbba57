import { ConfigError, type Env, envBool, envStr, envUrl } from '../config/env.ts';

/** The samplers `OTEL_TRACES_SAMPLER` may name (the standard ones that need no remote service). */
export const samplerNames = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof samplerNames)[number];

/** Trace export settings, read by each app's `config.ts` and handed to `startTelemetry`. */
export interface TelemetryConfig {
  /** The OTLP/HTTP traces URL (`…/v1/traces`); undefined: tracing is off and no SDK starts. */
  tracesUrl: string | undefined;
  serviceName: string;
  /** Sent with every export (collector credentials): never logged. */
  headers: Record<string, string>;
  sampler: SamplerName;
  /** The ratio for the `*traceidratio` samplers, 0..1. */
  samplerRatio: number;
}

/**
 * The standard OpenTelemetry variables, checked, each bad value naming its variable:
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or `OTEL_EXPORTER_OTLP_ENDPOINT` (the base,
 * `/v1/traces` appended); `OTEL_SERVICE_NAME`; `OTEL_EXPORTER_OTLP_HEADERS` (`key=value,…`,
 * values percent-encoded); `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`. Tracing is off when
 * no endpoint is set, and also under `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`.
 */
export function telemetryConfigFromEnv(env: Env, defaults: { serviceName: string }): TelemetryConfig {
  const sampler = samplerFromEnv(env);
  return {
    tracesUrl: tracingOff(env) ? undefined : tracesUrlFromEnv(env),
    serviceName: envStr(env, 'OTEL_SERVICE_NAME') ?? defaults.serviceName,
    headers: headersFromEnv(env),
    sampler,
    samplerRatio: samplerRatioFromEnv(env, sampler),
  };
}

function tracingOff(env: Env): boolean {
  if (envBool(env, 'OTEL_SDK_DISABLED')) return true;
  const exporters = envStr(env, 'OTEL_TRACES_EXPORTER');
  if (exporters === undefined || exporters === 'otlp') return false;
  if (exporters === 'none') return true;
  throw new ConfigError('OTEL_TRACES_EXPORTER', `must be otlp or none, got "${exporters}"`);
}

function tracesUrlFromEnv(env: Env): string | undefined {
  const protocol = envStr(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const wanted = envStr(env, protocol);
  // Every OTLP/HTTP receiver (collector, Jaeger, Tempo) takes JSON on the protobuf port too; gRPC
  // is another port and transport this service does not speak.
  if (wanted !== undefined && wanted !== 'http/json' && wanted !== 'http/protobuf') {
    throw new ConfigError(
      protocol,
      `must be http/json or http/protobuf (traces are sent as OTLP/HTTP JSON), got "${wanted}"`,
    );
  }
  const tracesUrl = envUrl(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ['http:', 'https:']);
  if (tracesUrl) return tracesUrl;
  const base = envUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']);
  if (!base) return undefined;
  // The spec's rule: the base endpoint gets the signal's path appended, whatever path it has.
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

function headersFromEnv(env: Env): Record<string, string> {
  const raw = envStr(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS')
    ? 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'
    : 'OTEL_EXPORTER_OTLP_HEADERS';
  const list = envStr(env, raw);
  if (list === undefined) return {};
  const headers: Record<string, string> = {};
  for (const [index, pair] of list.split(',').entries()) {
    if (!pair.trim()) continue;
    const equals = pair.indexOf('=');
    const name = pair.slice(0, Math.max(equals, 0)).trim();
    // The position only: the value may be a credential.
    if (equals < 1 || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      throw new ConfigError(raw, `entry ${index + 1} must be name=value with a valid header name`);
    }
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(equals + 1).trim());
    } catch {
      throw new ConfigError(raw, `entry ${index + 1} (${name}) has a malformed %-escape in its value`);
    }
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

function samplerFromEnv(env: Env): SamplerName {
  const raw = envStr(env, 'OTEL_TRACES_SAMPLER');
  if (raw === undefined) return 'parentbased_always_on';
  const name = samplerNames.find((candidate) => candidate === raw.toLowerCase());
  if (!name) {
    throw new ConfigError('OTEL_TRACES_SAMPLER', `must be one of ${samplerNames.join(', ')}, got "${raw}"`);
  }
  return name;
}

function samplerRatioFromEnv(env: Env, sampler: SamplerName): number {
  const raw = envStr(env, 'OTEL_TRACES_SAMPLER_ARG');
  // Other samplers take no argument: one left over from a ratio setup is harmless.
  if (raw === undefined || !sampler.endsWith('traceidratio')) return 1;
  const ratio = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || ratio < 0 || ratio > 1) {
    throw new ConfigError('OTEL_TRACES_SAMPLER_ARG', `must be a number from 0 to 1, got "${raw}"`);
  }
  return ratio;
}

/**
 * The start-up banner's line when tracing is on, e.g. `Traces: to http://collector:4318/v1/traces
 * as coach`; undefined when off. Credentials in the URL and the headers are left out.
 */
export function describeTelemetry(config: TelemetryConfig): string | undefined {
  if (!config.tracesUrl) return undefined;
  const url = new URL(config.tracesUrl);
  const sampling = config.sampler.endsWith('traceidratio') ? ` (sampling ${config.samplerRatio})` : '';
  return `Traces: to ${url.origin}${url.pathname} as ${config.serviceName}${sampling}`;
}
