import { describe, expect, it } from 'vitest';
import { ConfigError, envBool, envEnum, envInt, envList, envStr, envUrl } from '../src/config/index.ts';

describe('environment helpers', () => {
  it('treats unset and blank as undefined and trims values', () => {
    expect(envStr({}, 'A')).toBeUndefined();
    expect(envStr({ A: '   ' }, 'A')).toBeUndefined();
    expect(envStr({ A: ' x ' }, 'A')).toBe('x');
  });

  it('parses integers within bounds and names the variable when wrong', () => {
    expect(envInt({ PORT: '4000' }, 'PORT', { min: 0, max: 65535 })).toBe(4000);
    expect(() => envInt({ PORT: '40a' }, 'PORT')).toThrow(/PORT must be an integer/);
    expect(() => envInt({ PORT: '70000' }, 'PORT', { max: 65535 })).toThrow(/PORT must be at most 65535/);
    expect(() => envInt({ PORT: '-1' }, 'PORT', { min: 0 })).toThrow(ConfigError);
  });

  it('parses booleans strictly', () => {
    expect(envBool({ A: 'TRUE' }, 'A')).toBe(true);
    expect(envBool({ A: 'off' }, 'A')).toBe(false);
    expect(() => envBool({ JOBS_ENABLED: 'maybe' }, 'JOBS_ENABLED')).toThrow(
      /JOBS_ENABLED must be true or false/,
    );
  });

  it('splits lists and drops blanks', () => {
    expect(envList({ A: ' a, ,b ,c' }, 'A')).toEqual(['a', 'b', 'c']);
  });

  it('checks URL syntax and protocol', () => {
    expect(envUrl({ U: 'postgres://x@h/db' }, 'U', ['postgres:'])).toBe('postgres://x@h/db');
    expect(() => envUrl({ DATABASE_URL: 'not a url' }, 'DATABASE_URL', ['postgres:'])).toThrow(
      /DATABASE_URL must be a valid URL/,
    );
    expect(() => envUrl({ DATABASE_URL: 'mysql://h/db' }, 'DATABASE_URL', ['postgres:'])).toThrow(
      /must use postgres:/,
    );
  });

  it('accepts only listed values for enums', () => {
    expect(envEnum({ L: 'info' }, 'L', ['info', 'debug'])).toBe('info');
    expect(() => envEnum({ L: 'loud' }, 'L', ['info', 'debug'])).toThrow(/L must be one of info, debug/);
  });
});
