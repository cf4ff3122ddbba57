import { describe, expect, it } from 'vitest';
import { serializeError } from '../src/logger.ts';

describe('serializeError', () => {
  it('drops the statement and the values a database error carries', () => {
    const driverError = Object.assign(new Error('new row violates check constraint "x"'), {
      code: '23514',
      constraint: 'x',
      query:
        "select set_config('role', 'authenticated', true);\ninsert into mood_logs (notes) values ('my divorce is awful')",
      detail: 'Failing row contains (my divorce is awful).',
    });
    const logged = JSON.stringify(serializeError(driverError));
    expect(logged).not.toContain('divorce');
    expect(logged).toContain('23514');
    expect(logged).toContain('"constraint":"x"');
  });

  it('keeps an ordinary error readable', () => {
    expect(serializeError(new Error('boom'))).toMatchObject({ type: 'Error', message: 'boom' });
  });
});
