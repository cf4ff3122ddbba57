import { describe, expect, it } from 'vitest';
import { serializeError } from '../src/logger.ts';

describe('serializeError', () => {
  it('drops the statement and parameters a database error carries', () => {
    const driverError = Object.assign(new Error('new row violates check constraint "x"'), {
      code: '23514',
      constraint: 'x',
      query: "insert into mood_logs (notes) values ('my divorce is awful')",
    });
    const wrapped = Object.assign(
      new Error('Failed query: insert into mood_logs (notes) values ($1)\nparams: my divorce is awful'),
      { cause: driverError, params: ['my divorce is awful'] },
    );
    for (const error of [wrapped, driverError]) {
      const logged = JSON.stringify(serializeError(error));
      expect(logged).not.toContain('divorce');
      expect(logged).toContain('23514');
    }
  });

  it('drops a wrapper with no driver error behind it too', () => {
    const bare = new Error('Failed query: select $1\nparams: my divorce is awful');
    expect(JSON.stringify(serializeError(bare))).not.toContain('divorce');
  });

  it('keeps an ordinary error readable', () => {
    expect(serializeError(new Error('boom'))).toMatchObject({ type: 'Error', message: 'boom' });
  });
});
