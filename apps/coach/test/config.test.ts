import { describe, expect, it } from 'vitest';
import { envToConfig } from '../src/config.ts';

describe('coach configuration', () => {
  it('runs on the embedded database with safe defaults when nothing is set', () => {
    const config = envToConfig({});
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe('./data/coach/pgdata');
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 4000, trustProxy: false });
    expect(config.llm).toMatchObject({
      configured: false,
      model: 'gpt-4o',
      fallbackModel: 'gpt-4o-mini',
      timeoutMs: 30_000,
    });
    expect(config.rateLimits).toEqual({ askPerMinute: 20, userPerMinute: 120, anonymousPerMinute: 30 });
  });

  it('treats any base URL or key as a configured model, and an empty fallback as none', () => {
    expect(envToConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }).llm.configured).toBe(true);
    expect(envToConfig({ OPENAI_API_KEY: 'sk-x' }).llm.configured).toBe(true);
    expect(envToConfig({ OPENAI_FALLBACK_MODEL: '' }).llm.fallbackModel).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be at most 65535/],
    [{ DATABASE_URL: 'mysql://localhost/coach' }, /DATABASE_URL must use postgres:/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32 characters/],
    [{ OPENAI_BASE_URL: 'not a url' }, /OPENAI_BASE_URL must be a valid URL/],
    [{ LLM_TIMEOUT_MS: '5' }, /LLM_TIMEOUT_MS must be at least 100/],
    [{ REDIS_URL: 'http://localhost:6379' }, /REDIS_URL must use redis:/],
    [{ ASK_RATE_LIMIT_PER_MINUTE: '0' }, /ASK_RATE_LIMIT_PER_MINUTE must be at least 1/],
    [{ TRUST_PROXY: 'yes' }, /TRUST_PROXY must be true, false, or a comma list/],
    [{ TRUST_PROXY: '10.0.0.0/99' }, /TRUST_PROXY must be/],
    [{ COACH_TIMEZONE: 'Mars/Base' }, /COACH_TIMEZONE must be an IANA time zone/],
    [{ DIGEST_CONCURRENCY: '0' }, /DIGEST_CONCURRENCY must be at least 1/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => envToConfig(env)).toThrow(message);
  });

  it('takes a proxy list for TRUST_PROXY', () => {
    expect(envToConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(envToConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).http.trustProxy).toBe('10.0.0.0/8,127.0.0.1');
    expect(envToConfig({ TRUST_PROXY: 'loopback' }).http.trustProxy).toBe('loopback');
  });
});
