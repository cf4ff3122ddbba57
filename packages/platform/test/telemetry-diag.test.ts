import { afterEach, describe, expect, it, vi } from 'vitest';
import { DiagForwarder } from '../src/telemetry/diag-forwarder.ts';

afterEach(() => vi.useRealTimers());

describe("the SDK's diagnostics in the service log", () => {
  it('says each problem once a minute, readably, with no argument but an error message', () => {
    vi.useFakeTimers({ now: new Date('2026-12-05T02:00:00Z') });
    const said: { detail: Record<string, unknown>; message: string }[] = [];
    const forwarder = new DiagForwarder();
    forwarder.logTo({ warn: (detail, message) => said.push({ detail, message }) });
    const exportFailure = JSON.stringify({
      message: 'connect ECONNREFUSED 127.0.0.1:4318',
      stack: 'Error: …',
    });
    forwarder.error(exportFailure);
    forwarder.error(exportFailure);
    forwarder.warn('Dropped 12 spans', { headers: { authorization: 'Bearer collector-token' } });
    forwarder.error('Export timed out', new Error('timeout after 5000 ms'));
    forwarder.info();
    forwarder.debug();
    vi.advanceTimersByTime(60_000);
    forwarder.error(exportFailure);
    expect(said).toEqual([
      {
        detail: { telemetry: 'span export failed: connect ECONNREFUSED 127.0.0.1:4318' },
        message: 'tracing: the trace exporter reported a problem',
      },
      {
        detail: { telemetry: 'Dropped 12 spans' },
        message: 'tracing: the trace exporter reported a problem',
      },
      {
        detail: { telemetry: 'Export timed out', cause: 'timeout after 5000 ms' },
        message: 'tracing: the trace exporter reported a problem',
      },
      {
        detail: { telemetry: 'span export failed: connect ECONNREFUSED 127.0.0.1:4318' },
        message: 'tracing: the trace exporter reported a problem',
      },
    ]);
  });

  it('writes to standard error until the service has a logger', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      new DiagForwarder().warn('early problem');
      expect(write).toHaveBeenCalledWith('{"level":"warn","telemetry":"early problem"}\n');
    } finally {
      write.mockRestore();
    }
  });
});
