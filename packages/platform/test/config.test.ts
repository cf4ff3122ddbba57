import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  envBool,
  envEnum,
  envInt,
  envList,
  envStr,
  envUrl,
  withSecretFiles,
} from '../src/config/index.ts';

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

describe('withSecretFiles', () => {
  async function secretFile(content: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'secret-env-'));
    const file = join(dir, 'secret');
    await writeFile(file, content);
    return file;
  }

  it("reads the service's NAME_FILE into NAME without the trailing newline, and no one else's", async () => {
    const file = await secretFile('s3cret-value\n');
    const env = withSecretFiles(
      { JWT_SECRET_FILE: file, ENV_FILE: '/nowhere/.env', TF_CLI_CONFIG_FILE: '/nowhere/tf', PORT: '1' },
      ['JWT_SECRET', 'OPENAI_API_KEY'],
    );
    expect(env.JWT_SECRET).toBe('s3cret-value');
    expect(env.OPENAI_API_KEY).toBeUndefined();
    expect(env.ENV_FILE).toBe('/nowhere/.env');
    expect(env.TF_CLI_CONFIG).toBeUndefined();
    expect(env.PORT).toBe('1');
  });

  it('keeps a multi-line PEM key intact', async () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n';
    const env = withSecretFiles({ LAB_SIGNING_KEY_FILE: await secretFile(pem) }, ['LAB_SIGNING_KEY']);
    expect(env.LAB_SIGNING_KEY).toBe(pem.trimEnd());
  });

  it('refuses both NAME and NAME_FILE, and names an unreadable file', async () => {
    const file = await secretFile('x');
    expect(() => withSecretFiles({ JWT_SECRET: 'y', JWT_SECRET_FILE: file }, ['JWT_SECRET'])).toThrow(
      /JWT_SECRET_FILE and JWT_SECRET are both set/,
    );
    expect(() => withSecretFiles({ JWT_SECRET_FILE: '/no/such/file' }, ['JWT_SECRET'])).toThrow(
      /JWT_SECRET_FILE names a file that cannot be read \(\/no\/such\/file\)/,
    );
  });
});
