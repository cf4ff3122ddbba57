import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/env.ts';
import { sanitizeSql, summarizeStatement } from '../src/telemetry/sql-summary.ts';
import { describeTelemetry, telemetryConfigFromEnv } from '../src/telemetry/telemetry-config.ts';

const read = (env: Record<string, string>) => telemetryConfigFromEnv(env, { serviceName: 'svc' });

describe('trace export settings from the OTEL_* variables', () => {
  it('is off with no endpoint, and names the service by default', () => {
    expect(read({})).toEqual({
      tracesUrl: undefined,
      serviceName: 'svc',
      headers: {},
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
    });
  });

  it('appends /v1/traces to the base endpoint and takes the traces endpoint as it is', () => {
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracesUrl).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example/otlp' }).tracesUrl).toBe(
      'https://otlp.example/otlp/v1/traces',
    );
    expect(
      read({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/custom/path',
      }).tracesUrl,
    ).toBe('http://tempo:4318/custom/path');
  });

  it('stays off under OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, endpoint or not', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(read({ ...endpoint, OTEL_SDK_DISABLED: 'true' }).tracesUrl).toBeUndefined();
    expect(read({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).tracesUrl).toBeUndefined();
    expect(read({ ...endpoint, OTEL_TRACES_EXPORTER: 'otlp' }).tracesUrl).toBe(
      'http://collector:4318/v1/traces',
    );
  });

  it('reads the service name, headers (percent-decoded, names lower-cased) and sampler', () => {
    const config = read({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_SERVICE_NAME: 'coach-eu',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20dXNlcjpwYXNz, x-scope-orgid=tenant-1',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(config).toMatchObject({
      serviceName: 'coach-eu',
      headers: { authorization: 'Basic dXNlcjpwYXNz', 'x-scope-orgid': 'tenant-1' },
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
    });
  });

  it('describes itself for the start-up banner without credentials, and says nothing when off', () => {
    expect(describeTelemetry(read({}))).toBeUndefined();
    const config = read({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://user:pa55word@tempo.example/otlp/v1/traces?token=abc',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20xyz',
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    });
    expect(describeTelemetry(config)).toBe(
      'Traces: to https://tempo.example/otlp/v1/traces as svc (sampling 0.1)',
    );
  });

  it('refuses bad values naming the variable, never echoing a header value', () => {
    const refusal = (env: Record<string, string>) => {
      try {
        read(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).message;
      }
      throw new Error('accepted');
    };
    expect(refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toMatch(
      /OTEL_EXPORTER_OTLP_ENDPOINT must use http: or https:/,
    );
    expect(refusal({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' })).toMatch(
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be a valid URL/,
    );
    const header = refusal({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=ok,secret-token-without-name' });
    expect(header).toMatch(/OTEL_EXPORTER_OTLP_HEADERS entry 2 must be name=value/);
    expect(header).not.toContain('secret-token');
    expect(refusal({ OTEL_EXPORTER_OTLP_HEADERS: 'api-key=%E0%A4%A' })).toMatch(
      /entry 1 \(api-key\) has a malformed/,
    );
    expect(refusal({ OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toMatch(/OTEL_TRACES_SAMPLER must be one of/);
    expect(refusal({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' })).toMatch(
      /OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1/,
    );
    expect(refusal({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatch(
      /OTEL_EXPORTER_OTLP_PROTOCOL must be http\/json or http\/protobuf/,
    );
    expect(refusal({ OTEL_TRACES_EXPORTER: 'zipkin' })).toMatch(/OTEL_TRACES_EXPORTER must be otlp or none/);
    expect(refusal({ OTEL_SDK_DISABLED: 'maybe' })).toMatch(/OTEL_SDK_DISABLED must be true or false/);
  });
});

describe('statement text as database spans record it', () => {
  it('replaces every literal and keeps placeholders, identifiers and keywords', () => {
    expect(
      sanitizeSql(
        `select "e-mail", t1.x from "people" as t1 where email = 'ann@example.com' and n > 42.5e3 and id = $1 and note = E'it\\'s' and b = $tag$ a 'secret' $tag$ and f = .5`,
      ),
    ).toBe(
      `select "e-mail", t1.x from "people" as t1 where email = ? and n > ? and id = $1 and note = ? and b = ? and f = ?`,
    );
    expect(sanitizeSql(`insert into notes values ('it''s mine', 7)`)).toBe('insert into notes values (?, ?)');
  });

  it('summarises the operation and the first table', () => {
    expect(summarizeStatement('select * from "lab"."samples" where id = $1')).toMatchObject({
      operation: 'SELECT',
      table: 'lab.samples',
    });
    expect(summarizeStatement('insert into "notes" ("owner") values ($1)')).toMatchObject({
      operation: 'INSERT',
      table: 'notes',
    });
    expect(summarizeStatement('begin')).toMatchObject({ operation: 'BEGIN', table: undefined });
    expect(
      summarizeStatement(
        'select floor(extract(epoch from u.at)) as at from "users" as "u" where "u"."id" = $1',
      ),
    ).toMatchObject({ operation: 'SELECT', table: 'users' });
    expect(
      summarizeStatement(
        'with input as (select * from jsonb_to_recordset($1::jsonb)) insert into samples (a) select a from input',
      ),
    ).toMatchObject({ operation: 'WITH', table: 'samples' });
  });
});
