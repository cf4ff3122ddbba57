import { describe, expect, it } from 'vitest';
import { toAppError } from '../src/http/error-handler.ts';

describe('toAppError', () => {
  it('answers load shedding with 503 server_busy, not a 500 internal_error', () => {
    const shed = Object.assign(new Error('Service Unavailable'), {
      code: 'FST_UNDER_PRESSURE',
      statusCode: 503,
    });
    expect(toAppError(shed)).toMatchObject({ statusCode: 503, code: 'server_busy' });
  });

  it('keeps any other 5xx from a plugin opaque', () => {
    const failed = Object.assign(new Error('connection refused at 10.0.0.3'), { statusCode: 502 });
    expect(toAppError(failed)).toMatchObject({ statusCode: 500, code: 'internal_error' });
  });
});
